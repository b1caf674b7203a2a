// Types of the CommonJS entry (main.js): the module is the SigmaIAM class, with every named export
// of the package on it: every export of src/index.ts (a spec checks the lists match).
import * as sdk from './index';

declare class SigmaIAM extends sdk.SigmaIAM {}
declare namespace SigmaIAM {
  export import AuthenticateOptions = sdk.AuthenticateOptions;
  export import AuthenticationError = sdk.AuthenticationError;
  export import CallbackRequest = sdk.CallbackRequest;
  export import CallbackResult = sdk.CallbackResult;
  export import DPOP_ALGORITHMS = sdk.DPOP_ALGORITHMS;
  export import DenyList = sdk.DenyList;
  export import DenyListOptions = sdk.DenyListOptions;
  export import DpopProofExpectations = sdk.DpopProofExpectations;
  export import IAMError = sdk.IAMError;
  export import InvalidDpopProof = sdk.InvalidDpopProof;
  export import LoginHandlerOptions = sdk.LoginHandlerOptions;
  export import LoginTransaction = sdk.LoginTransaction;
  export import MemoryReplayStore = sdk.MemoryReplayStore;
  export import MemoryTokenStorage = sdk.MemoryTokenStorage;
  export import OAuthTokens = sdk.OAuthTokens;
  export import ProfileSource = sdk.ProfileSource;
  export import ReplayStore = sdk.ReplayStore;
  export import RequestLike = sdk.RequestLike;
  export import RequireAuthOptions = sdk.RequireAuthOptions;
  export import RevocationCheck = sdk.RevocationCheck;
  export import SessionTransactionStore = sdk.SessionTransactionStore;
  export import SigmaAuth = sdk.SigmaAuth;
  export import SigmaIAM = sdk.SigmaIAM;
  export import SigmaIAMNodeOptions = sdk.SigmaIAMNodeOptions;
  export import SigmaNodeUser = sdk.SigmaNodeUser;
  export import SigmaUser = sdk.SigmaUser;
  export import StoredTokens = sdk.StoredTokens;
  export import TokenStorage = sdk.TokenStorage;
  export import TransactionStore = sdk.TransactionStore;
  export import VerifiedToken = sdk.VerifiedToken;
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
}
export = SigmaIAM;
