/**
 * How many inputs a property-based run tries: `bounded` in `npm test`, or
 * TWOPHASE_PROPERTY_RUNS for a long run (`npm run test:hostile` sets it).
 */
export function propertyRuns(bounded: number): number {
  const given = process.env.TWOPHASE_PROPERTY_RUNS;
  if (given === undefined || given === '') return bounded;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TWOPHASE_PROPERTY_RUNS must be a whole number of inputs (given ${JSON.stringify(given)})`);
  return n;
}
