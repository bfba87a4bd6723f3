// The password a newly imported student starts with, from config INITIAL_PASSWORD:
// a fixed value (default `123456`), `@studentId` (the 学号) or `@idLast6` (last 6 of the ID number).

export type InitialPasswordPolicy =
  | { kind: 'fixed'; value: string }
  | { kind: 'studentId' }
  | { kind: 'idLast6' };

/** Either a parsed policy or the raw config string. */
export type InitialPasswordSetting = InitialPasswordPolicy | string;

export function parseInitialPasswordPolicy(setting: InitialPasswordSetting): InitialPasswordPolicy {
  if (typeof setting !== 'string') return setting;
  if (setting === '@studentId') return { kind: 'studentId' };
  if (setting === '@idLast6') return { kind: 'idLast6' };
  if (setting.startsWith('@')) throw new Error(`Unknown INITIAL_PASSWORD policy ${setting} (use a value, @studentId or @idLast6)`);
  if (setting.length === 0) throw new Error('INITIAL_PASSWORD must not be empty');
  return { kind: 'fixed', value: setting };
}

export interface InitialPasswordSubject {
  student_id: string;
  id_number: string | null;
}

/** Null when the policy cannot produce one (`@idLast6` without a usable ID number). */
export function initialPasswordFor(setting: InitialPasswordSetting, student: InitialPasswordSubject): string | null {
  const policy = parseInitialPasswordPolicy(setting);
  switch (policy.kind) {
    case 'fixed':
      return policy.value;
    case 'studentId':
      return student.student_id;
    case 'idLast6': {
      const id = student.id_number?.trim() ?? '';
      return id.length >= 6 ? id.slice(-6) : null;
    }
  }
}

/**
 * A fixed initial password (the same for every imported student) is known to everyone: `feebot
 * start` warns about it. First logins with it need a proof of identity (login-proof.service.ts).
 */
export function fixedInitialPasswordWarning(setting: InitialPasswordSetting): string | null {
  if (parseInitialPasswordPolicy(setting).kind !== 'fixed') return null;
  return (
    'INITIAL_PASSWORD is a fixed value shared by every imported student. A first login with it must also prove the ' +
    'student (last 6 characters of the ID number, or a code mailed to the recovery e-mail; with neither, the student ' +
    'must contact the finance office). Prefer INITIAL_PASSWORD=@idLast6 where ID numbers are imported.'
  );
}
