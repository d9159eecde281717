/** The generator's version, recorded in manifests and in exported traces; a change of output bytes bumps it. */
export const GENERATOR_VERSION = "0.1.0";
