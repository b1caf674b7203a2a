/** The suite's version, as in the root package.json (a unit test keeps the two equal). */
export const SIGMA_IAM_VERSION = '0.1.0';
