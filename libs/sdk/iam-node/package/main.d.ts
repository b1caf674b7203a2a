// Types of the CommonJS entry (main.js): the module is the SigmaIAM class, with every named export
// of the package on it: every export of src/index.ts (a spec checks the lists match).
import * as sdk from './index';

declare class SigmaIAM extends sdk.SigmaIAM {}
declare namespace SigmaIAM {
  export import AuthenticationError = sdk.AuthenticationError;
  export import DPOP_ALGORITHMS = sdk.DPOP_ALGORITHMS;
  export import DenyList = sdk.DenyList;
  export import IAMError = sdk.IAMError;
  export import InvalidDpopProof = sdk.InvalidDpopProof;
  export import MemoryReplayStore = sdk.MemoryReplayStore;
  export import MemoryTokenStorage = sdk.MemoryTokenStorage;
  export import SessionTransactionStore = sdk.SessionTransactionStore;
  export import SigmaIAM = sdk.SigmaIAM;
  export import accessTokenHash = sdk.accessTokenHash;
  export import generateCodeChallenge = sdk.generateCodeChallenge;
  export import generateCodeVerifier = sdk.generateCodeVerifier;
  export import generateState = sdk.generateState;
  export import loginHandler = sdk.loginHandler;
  export import permits = sdk.permits;
  export import requireAuth = sdk.requireAuth;
  export import requirePermission = sdk.requirePermission;
  export import sigmaContext = sdk.sigmaContext;
  export import verifyDpopProof = sdk.verifyDpopProof;
  export type AuthenticateOptions = sdk.AuthenticateOptions;
  export type CallbackRequest = sdk.CallbackRequest;
  export type CallbackResult = sdk.CallbackResult;
  export type DenyListOptions = sdk.DenyListOptions;
  export type DpopProofExpectations = sdk.DpopProofExpectations;
  export type LoginHandlerOptions = sdk.LoginHandlerOptions;
  export type LoginTransaction = sdk.LoginTransaction;
  export type OAuthTokens = sdk.OAuthTokens;
  export type ProfileSource = sdk.ProfileSource;
  export type ReplayStore = sdk.ReplayStore;
  export type RequestLike = sdk.RequestLike;
  export type RequireAuthOptions = sdk.RequireAuthOptions;
  export type RevocationCheck = sdk.RevocationCheck;
  export type SigmaAuth = sdk.SigmaAuth;
  export type SigmaIAMNodeOptions = sdk.SigmaIAMNodeOptions;
  export type SigmaNodeUser = sdk.SigmaNodeUser;
  export type SigmaUser = sdk.SigmaUser;
  export type StoredTokens = sdk.StoredTokens;
  export type TokenStorage = sdk.TokenStorage;
  export type TransactionStore = sdk.TransactionStore;
  export type VerifiedToken = sdk.VerifiedToken;
}
export = SigmaIAM;
