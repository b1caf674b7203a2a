// Replaced at build time (esbuild --define, or your bundler's equivalent); see README.md.
declare const process: { env: { SIGMA_IAM_URL?: string; SIGMA_IAM_CLIENT_ID?: string } };
