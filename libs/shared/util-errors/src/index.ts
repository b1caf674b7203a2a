export { DomainError, ErrorKind, isDomainError } from './lib/domain-error';
export type { DomainErrorOptions, FieldProblem } from './lib/domain-error';
