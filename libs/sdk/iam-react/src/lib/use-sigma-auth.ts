import { useContext } from 'react';
import { SigmaAuthContext, SigmaAuthState } from './sigma-auth-context';

/** The authentication state and actions of the nearest SigmaAuthProvider. */
export function useSigmaAuth(): SigmaAuthState {
  const state = useContext(SigmaAuthContext);
  if (state === null) throw new Error('useSigmaAuth must be used inside a <SigmaAuthProvider>');
  return state;
}
