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
  parseAnomalyInjectionConfig,
} from "./config.ts";
export { type AnomalyDecision, decideAnomaly, effectCount, effectValue, injectionRandomizer } from "./decide.ts";
export { INJECTORS, type InjectAnomalyInput, injectAnomaly } from "./inject.ts";
export { finishTrajectory } from "./step.ts";
