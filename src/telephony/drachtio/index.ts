/**
 * Builds the drachtio + FreeSWITCH driver from its configuration section.
 * The composition root calls this once; `start()` has already been called.
 */
import type { RedisClient } from '../../util/redis-client.ts';
import type { Logger } from 'pino';
import Srf from 'drachtio-srf';
import type { TelephonyConfig } from '../../config/telephony.ts';
import type { Clock } from '../../util/clock.ts';
import { DrachtioTelephony, type DriverSettings } from './driver.ts';
import { fsmrfConnector } from './fsmrf-adapter.ts';
import { adaptSrf } from './srf-adapter.ts';

export { DrachtioTelephony } from './driver.ts';
export type { Registration } from './registrar.ts';

export interface DrachtioTelephonyDeps {
  redis: RedisClient;
  logger: Logger;
  clock: Clock;
  /** This instance's id, and the key prefix (with a hash tag) of the book of call legs (leg-book.ts). */
  instanceId: string;
  legsKeyPrefix: string;
  /** Is a flow routed to this dialed number (DID)? Unknown numbers get 404. */
  isKnownNumber(did: string): boolean | Promise<boolean>;
}

/**
 * The book of call legs and its janitor (leg-book.ts, orphan-janitor.ts):
 * changes written every second; an instance silent for 15 s (as the ACD's lease) is taken as
 * dead and its legs are looked at every 5 s; orphans on other servers are
 * forgotten after 12 hours.
 */
const LEGS = { flushMs: 1_000, leaseMs: 15_000, scanMs: 5_000, maxAgeMs: 12 * 3_600_000 };

export function driverSettings(config: TelephonyConfig, legs?: { instanceId: string; keyPrefix: string }): DriverSettings {
  return {
    ...(legs
      ? {
          legs: {
            ...LEGS,
            ...legs,
            sipServer: `${config.drachtio.host}:${config.drachtio.port}`,
            mediaServer: `${config.freeswitch.address}:${config.freeswitch.port}`,
          },
        }
      : {}),
    admission: config.admission,
    registrar: config.registrar,
    outbound: config.outbound,
    media: config.media,
    reconnect: config.reconnect,
    freeswitchConnectTimeoutMs: config.freeswitch.connectTimeoutMs,
    shutdownGraceMs: config.shutdownGraceMs,
  };
}

export function createDrachtioTelephony(config: TelephonyConfig, deps: DrachtioTelephonyDeps): DrachtioTelephony {
  const logger = deps.logger.child({ component: 'telephony' });
  if (config.admission.trunkAllowList.length === 0) {
    logger.warn('SIP_ALLOW_ANY_TRUNK=true and SIP_TRUNK_ALLOW is empty: INVITEs are accepted from any address (a lab only)');
  }
  const srf = new Srf();
  const signaling = adaptSrf(srf, config.drachtio, logger);
  const media = fsmrfConnector(srf, config.freeswitch, logger, deps.clock);
  const driver = new DrachtioTelephony(driverSettings(config, { instanceId: deps.instanceId, keyPrefix: deps.legsKeyPrefix }), {
    signaling,
    media,
    redis: deps.redis,
    logger,
    clock: deps.clock,
    isKnownNumber: deps.isKnownNumber,
  });
  driver.start();
  return driver;
}
