export {
  ANOMALY_PARAMETER_DEFAULTS,
  type AnomalyInjectionConfig,
  type AnomalyInjectionInput,
  AnomalyInjectionInputSchema,
  type AnomalyParameters,
  DEFAULT_ANOMALY_INJECTION_CONFIG,
  DEFAULT_SEVERITY_WEIGHTS,
  DEFAULT_TYPE_WEIGHTS,
  describeAnomalyInjectionConfig,
  type EffectRange,
  MAX_ANOMALIES_PER_TRAJECTORY,
  parseAnomalyInjectionConfig,
} from "../trajectory/anomaly-config.ts";
export {
  type AnomalyDecision,
  decideAnomalies,
  decideAnomaly,
  EXTRA_ANOMALY_CHANCE,
  effectCount,
  effectValue,
  injectionRandomizer,
} from "../trajectory/anomaly-decision.ts";
export { INJECTORS, type InjectAnomalyInput, injectAnomaly } from "./inject.ts";
export { finishTrajectory } from "./step.ts";
