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
  /** Is a flow routed to this dialed number (DID)? Unknown numbers get 404. */
  isKnownNumber(did: string): boolean | Promise<boolean>;
}

export function driverSettings(config: TelephonyConfig): DriverSettings {
  return {
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
  const driver = new DrachtioTelephony(driverSettings(config), {
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
