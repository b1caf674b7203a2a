import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorKind, FieldProblem } from '@sigma/shared/util-errors';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Field-level validation problems as the seeds show them (`[{field, message}]`). Values are
 * never echoed, so a password sent in the wrong field does not come back in the error.
 */
export function validationProblems(errors: ValidationError[]): FieldProblem[] {
  return flatten(errors);
}

/** The global pipe: unknown properties are refused, known ones converted to their declared types. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: validationProblems(errors) }),
  });
}
