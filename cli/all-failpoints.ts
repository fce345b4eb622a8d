// Loads every module that defines failpoints, so one registry lists them all and
// TWOPHASE_FAILPOINTS is validated against every name, whichever process it is given to.
import '../coordinator/coordinator-failpoints.js';
import '../participant/blob/local/blob-failpoints.js';
import '../participant/metadata/metadata-failpoints.js';
import '../coordinator/log/log-failpoints.js';
