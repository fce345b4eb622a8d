import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.js';
import { participantIdProblem } from '../tx-id/tx-id.js';

/** What a caller may do, by the certificate it presented (see method-access.ts for the methods of each). */
export type Role = 'coordinator' | 'participant' | 'client' | 'admin';

/** A caller with a certificate the CA issued: its identities (subject alternative names) and what the policy grants them. */
export interface Caller {
  readonly identities: readonly string[];
  readonly roles: ReadonlySet<Role>;
  /** The participant ids it may enlist under (role `participant`). */
  readonly participantIds: ReadonlySet<string>;
}

/** An identity as a certificate's SAN names it: `URI:spiffe://…`, `DNS:name`, `IP:10.0.0.1` or `email:…`. */
const identity = z
  .string()
  .regex(/^(URI|DNS|IP|email):.+$/, 'expected a subject alternative name, e.g. "URI:spiffe://example.org/coordinator" or "DNS:coordinator.internal"');
const identities = z.array(identity);

const policySchema = z.strictObject({
  coordinator: identities.default([]),
  participants: z
    .record(z.string(), identities)
    .default({})
    .superRefine((map, ctx) => {
      for (const id of Object.keys(map)) {
        const problem = participantIdProblem(id);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [id], message: problem });
      }
    }),
  clients: identities.default([]),
  admins: identities.default([]),
});

export type AccessPolicyFile = z.input<typeof policySchema>;

/**
 * Who may call what, by certificate identity (DESIGN.md, Security model), from the JSON
 * file of `--access-policy`:
 *
 *     { "coordinator": ["URI:spiffe://example.org/coordinator"],
 *       "participants": { "blob": ["URI:spiffe://example.org/blob"], "metadata": ["DNS:metadata.internal"] },
 *       "clients": ["URI:spiffe://example.org/gateway"],
 *       "admins": ["URI:spiffe://example.org/operator"] }
 *
 * A caller holds every role one of its SANs is listed under. Unknown keys are refused, so
 * a misspelt role cannot silently grant nothing.
 */
export class AccessPolicy {
  private constructor(private readonly policy: z.output<typeof policySchema>) {}

  static fromObject(raw: unknown, source = 'the access policy'): AccessPolicy {
    const result = policySchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new ConfigError(`invalid setting --access-policy (TWOPHASE_ACCESS_POLICY): ${source} at ${issue?.path.join('.') || 'top'}: ${issue?.message ?? 'invalid'}`, 'accessPolicy');
    }
    return new AccessPolicy(result.data);
  }

  static async load(file: string): Promise<AccessPolicy> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`invalid setting --access-policy (TWOPHASE_ACCESS_POLICY): cannot read ${file}: ${(err as Error).message}`, 'accessPolicy');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`invalid setting --access-policy (TWOPHASE_ACCESS_POLICY): ${file} is not JSON: ${(err as Error).message}`, 'accessPolicy');
    }
    return AccessPolicy.fromObject(raw, file);
  }

  /** The caller with these identities, and what it may do. */
  callerOf(ids: readonly string[]): Caller {
    const has = (list: readonly string[]): boolean => ids.some((id) => list.includes(id));
    const roles = new Set<Role>();
    const participantIds = new Set<string>();
    if (has(this.policy.coordinator)) roles.add('coordinator');
    if (has(this.policy.clients)) roles.add('client');
    if (has(this.policy.admins)) roles.add('admin');
    for (const [id, list] of Object.entries(this.policy.participants)) if (has(list)) participantIds.add(id);
    if (participantIds.size > 0) roles.add('participant');
    return { identities: ids, roles, participantIds };
  }
}
