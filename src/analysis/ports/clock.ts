// The Clock port: wall time for activities and services (stamps, ids, cut-offs). The orchestrator never reads it:
// it uses context.df.currentUtcDateTime. The composition roots (src/app/) pass the wall clock or the local runtime's.
export type Clock = () => Date;
