"""Seed 000's FastAPI integration as a runnable app.

    pip install 'sigma-iam-python[fastapi]' uvicorn
    SIGMA_IAM_BASE_URL=https://your-iam-instance.com SIGMA_IAM_CLIENT_ID=your-client-id \
        uvicorn fastapi_example:app

libs/sdk/iam-python/tests/suite/test_fastapi_example.py runs it against the suite.
"""

import os

from fastapi import Depends, FastAPI

from sigma_iam.fastapi import SigmaIAMMiddleware

app = FastAPI()

# Add Sigma IAM middleware
iam = SigmaIAMMiddleware(
    app,
    base_url=os.environ["SIGMA_IAM_BASE_URL"],
    client_id=os.environ.get("SIGMA_IAM_CLIENT_ID", "sigma-iam"),
    client_secret=os.environ.get("SIGMA_IAM_CLIENT_SECRET"),
)


@app.get("/protected")
async def protected_endpoint(user: dict = Depends(iam.get_current_user)):
    """Endpoint that requires authentication"""
    return {"message": f"Hello, {user['full_name']}"}


@app.get("/admin")
async def admin_endpoint(user: dict = Depends(iam.require_permission("admin:read"))):
    """Endpoint that requires admin permission"""
    return {"message": "Admin access granted"}
