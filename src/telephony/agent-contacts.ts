/**
 * Where to reach an agent's softphone. The ACD asks; the drachtio driver's
 * registrar answers from Redis (registered contacts), falling back to the
 * agent's configured static SIP URI.
 */
export interface AgentContactResolver {
  /** SIP URI to dial for the agent, or undefined when the agent cannot be reached (not registered, no static URI). */
  contactFor(agentId: string, configuredUri?: string): Promise<string | undefined>;
}

/** Uses only configured URIs (simulated driver, or deployments without registration). */
export const staticContacts: AgentContactResolver = {
  contactFor: async (_agentId, configuredUri) => configuredUri,
};
