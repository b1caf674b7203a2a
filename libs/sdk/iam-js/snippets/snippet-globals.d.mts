// What the seeds' snippets take as given without declaring it: a user id and a PKCE challenge
// computed earlier (seed 000's basic usage), and the bundler's process.env (its React example).
declare global {
  const userId: string;
  const codeChallenge: string;
  const process: { env: Record<string, string | undefined> };
}

export {};
