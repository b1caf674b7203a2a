import { SigmaIAM } from '@sigma/iam-js';

const iam = new SigmaIAM({
  baseURL: process.env.REACT_APP_IAM_URL!,
  clientId: process.env.REACT_APP_CLIENT_ID!,
  redirectUri: `${window.location.origin}/callback`
});


  const handleSocialLogin = async (provider: string) => {
    try {
      const authUrl = iam.getAuthorizationUrl({
        scope: 'read write profile',
        provider: provider
      });
      
      // Redirect to social provider
      window.location.href = authUrl;
    } catch (error) {
      console.error('Social login failed:', error);
    }
  };
