import { IdentityGateway } from '@sigma/iam-js'

const identity = new IdentityGateway({
  clientId: 'your-client-id',
  baseUrl: 'https://identity.yourorg.com'
})

// Login
const user = await identity.login({
  email: 'user@example.com',
  password: 'password123'
})

// Check permissions
const canReadUsers = await identity.hasPermission('users:read')

// Get current user
const currentUser = await identity.getCurrentUser()
