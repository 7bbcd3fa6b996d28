export { ORDER_FIELD_PATHS, diffChangedFields, fieldKind, isSet, type FieldKind } from './field-paths';
export {
  ACTOR_SOURCES,
  CHANGE_KINDS,
  lookupsFromReferenceData,
  parseRules,
  type ChangeKind,
  type Condition,
  type Constraint,
  type Effect,
  type Rule,
  type RuleInput,
  type RuleLookups,
  type Scalar,
} from './rules';
export {
  CompiledRuleSet,
  assertValid,
  compileRules,
  evaluate,
  type EffectKind,
  type EvaluationContext,
  type EvaluationResult,
  type Violation,
} from './engine';
export { CASE_STUDY_RULES } from './case-study-rules';
