/**
 * Identity resolution for customer profiles: normalisation, blocking keys, Fellegi-Sunter scoring
 * with explanations, one-record matching and the whole-base batch job. Plain functions and classes,
 * no Nest and no database: the service stores keys and decisions (see MATCHING.md).
 */
export {
  normaliseRecord,
  type CustomerType,
  type MatchRecord,
  type NormalisedRecord,
  type NormaliseOptions,
} from './record';
export { normalisePhone, type Region } from './normalise/phone';
export { normaliseEmail } from './normalise/email';
export { normaliseName, normaliseCompanyName, splitFullName, type NormalisedName } from './normalise/name';
export { normaliseAddress, normaliseCity, type NormalisedAddress } from './normalise/address';
export { normaliseBirthday, normaliseTaxId } from './normalise/identifiers';
export { latinKey } from './normalise/latin-key';
export { jaro, jaroWinkler } from './compare/jaro-winkler';
export { withinOneEdit } from './compare/edits';
export {
  BLOCKING_KEY_KINDS,
  DEFAULT_MATCH_CONFIG,
  FIELD_LEVELS,
  FIELD_NAMES,
  matchConfigOverrideSchema,
  resolveMatchConfig,
  type BlockingKeyKind,
  type FieldLevel,
  type FieldName,
  type MatchConfig,
  type MatchConfigOverride,
} from './match-config';
export { blockingKeys } from './blocking';
export {
  compileModel,
  decide,
  explainPair,
  probabilityOf,
  type Decision,
  type FieldContribution,
  type MatchModel,
  type PairScore,
  type ScoringContext,
  type TermFrequencies,
} from './scoring';
export { countTermFrequencies, termFrequencies, type TermFrequencyTable } from './term-frequencies';
export { matchOne, type MatchResult } from './match-one';
export { clusterPairs, type Clustering, type IndexedPair } from './clustering';
export {
  DedupJob,
  type BatchChunk,
  type BatchClusters,
  type BatchPair,
  type BatchProgress,
  type DedupJobOptions,
  type ScanOptions,
  type ScanReport,
} from './batch-dedup';
export { estimateU, type EstimateUOptions } from './calibration';
export { scanInParallel, type ParallelScanOptions } from './parallel-scan';
