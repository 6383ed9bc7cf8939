import type { HealthSample } from '../contract/index.js';

/** Where the appliance's health comes from: systeminformation and the Pi's firmware flags. */
export interface HealthSource {
  sample(): Promise<HealthSample>;
}
