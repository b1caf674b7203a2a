import type { FieldProblem } from '@sigma/shared/util-errors';

/** bcrypt reads at most 72 bytes of a password; a longer one would be silently cut. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_LENGTH = 8;

/**
 * Base words of the most breached passwords (public breach corpora: the top entries after
 * stripping digits, symbols and leetspeak). A password made of one of them plus decoration
 * (`Password123!`, `p@ssw0rd`, `Welcome2024`) is refused.
 */
const BREACHED_BASE_WORDS = new Set([
  'password', 'passw', 'pass', 'passwd', 'passwort', 'motdepasse', 'contrasena', 'senha', 'parola', 'wachtwoord',
  'qwerty', 'qwertz', 'azerty', 'asdf', 'asdfgh', 'asdfghjkl', 'zxcvbn', 'zxcvbnm', 'qwertyuiop', 'qazwsx', 'qweasd', 'qweasdzxc', '1q2w3e', '1qaz2wsx',
  'abc', 'abcd', 'abcdef', 'abcdefg', 'abcdefgh', 'aaaa', 'xxxx', 'test', 'tester', 'testing', 'guest', 'demo', 'sample', 'example', 'default',
  'admin', 'administrator', 'root', 'toor', 'user', 'username', 'login', 'letmein', 'welcome', 'hello', 'hellow', 'changeme', 'secret', 'private',
  'iloveyou', 'loveme', 'love', 'lovely', 'princess', 'sunshine', 'shadow', 'master', 'monkey', 'dragon', 'football', 'baseball', 'soccer',
  'hockey', 'basketball', 'superman', 'batman', 'spiderman', 'starwars', 'pokemon', 'trustno', 'whatever', 'freedom', 'access', 'mustang',
  'michael', 'jennifer', 'jordan', 'hunter', 'ranger', 'buster', 'charlie', 'daniel', 'thomas', 'robert', 'jessica', 'ashley', 'nicole',
  'matrix', 'killer', 'pepper', 'ginger', 'cookie', 'cheese', 'summer', 'winter', 'spring', 'autumn', 'monday', 'friday', 'computer',
  'internet', 'google', 'facebook', 'linkedin', 'yahoo', 'samsung', 'apple', 'iphone', 'android', 'blink', 'zaq', 'zaqxsw', 'flower',
  'orange', 'banana', 'chocolate', 'purple', 'silver', 'golden', 'diamond', 'angel', 'babygirl', 'family', 'forever', 'friends',
  'secure', 'security', 'system', 'server', 'service', 'office', 'company', 'business', 'sigma', 'sigmaiam', 'iam', 'identity',
]);

const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwertzuiop', 'azertyuiop', 'abcdefghijklmnopqrstuvwxyz'];

const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't' };

/** Whether `text` runs along a keyboard row or the alphabet (forwards or backwards) for its whole length. */
function isSequence(text: string): boolean {
  if (text.length < 4) return false;
  return KEYBOARD_ROWS.some((row) => row.includes(text) || [...row].reverse().join('').includes(text));
}

/** Whether `text` is one short chunk repeated (`aaaaaaaa`, `abcabcabc`, `12121212`). */
function isRepetition(text: string): boolean {
  for (let size = 1; size <= Math.floor(text.length / 2); size++) {
    if (text.length % size === 0 && text.slice(0, size).repeat(text.length / size) === text) return true;
  }
  return false;
}

/**
 * The words a decorated password may be built on: lower-case with leetspeak undone and leading
 * or trailing digits and symbols gone (`P@ssw0rd123!` → `password`), and its letters alone.
 */
function baseWords(password: string): string[] {
  const lower = password.toLowerCase();
  const core = lower.replace(/^[^a-z@$]+/, '').replace(/[^a-z]+$/, '');
  const unleet = [...core].map((c) => LEET[c] ?? c).join('').replace(/[^a-z]/g, '');
  return [unleet, lower.replace(/[^a-z]/g, '')].filter((w) => w.length > 0);
}

/** Who the password belongs to: it must not be built from their own identifiers. */
export interface PasswordOwner {
  email?: string | null;
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}

function personalWords(owner: PasswordOwner): string[] {
  const words = [owner.email?.split('@')[0], owner.username?.split('@')[0], owner.firstName, owner.lastName];
  return words.filter((w): w is string => typeof w === 'string' && w.length >= 4).map((w) => w.toLowerCase());
}

/**
 * Checks a new password: 8 characters up to 72 bytes (bcrypt's limit), not one of the most
 * breached passwords in any decoration, not a keyboard or alphabet run, not a repetition, and
 * not built on the owner's email, username or names. Answers the problems as field errors of
 * `field` (empty when the password is acceptable); it never echoes the password.
 */
export function passwordProblems(password: string, owner: PasswordOwner = {}, field = 'password'): FieldProblem[] {
  const problem = (message: string): FieldProblem[] => [{ field, message }];
  if ([...password].length < PASSWORD_MIN_LENGTH) return problem(`must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) return problem(`must be at most ${PASSWORD_MAX_BYTES} bytes long (UTF-8)`);
  const lower = password.toLowerCase();
  if (isRepetition(lower)) return problem('must not be a repeated character or pattern');
  if (isSequence(lower)) return problem('must not be a keyboard or alphabet sequence');
  const stripped = lower.replace(/[^a-z0-9]/g, '');
  const bases = baseWords(password);
  const builtOnCommonWord = bases.some((base) => BREACHED_BASE_WORDS.has(base) || (base.length * 2 >= stripped.length && (isSequence(base) || isRepetition(base))));
  if (BREACHED_BASE_WORDS.has(stripped) || builtOnCommonWord) return problem('is too common: it appears in lists of breached passwords');
  if (/^\d+$/.test(password) && (isSequence(password) || isRepetition(password) || password.length < 10)) return problem('is too common: it appears in lists of breached passwords');
  if (personalWords(owner).some((word) => lower.includes(word))) return problem('must not contain the email address, username or name');
  return [];
}
