// A secret of every shape content capture redacts, each inside a realistic prompt; the tests check none survives.
namespace Tokentap.Engine.Tests.Content;

internal static class SecretCorpus
{
    /// <summary>(the redaction kind expected, the secret itself, a prompt that carries it).</summary>
    public static readonly (string Kind, string Secret, string Prompt)[] All =
    [
        ("anthropic-key", "sk-ant-api03-Qx7vN2mR8kLp4sT9wZ1yB6cD3fG5hJ0aE_uI-oP2qW", "My client fails with 401. I create it as new Anthropic({ apiKey: 'sk-ant-api03-Qx7vN2mR8kLp4sT9wZ1yB6cD3fG5hJ0aE_uI-oP2qW' }). Why?"),
        ("openai-key", "sk-proj-4fTgH7jK9lM2nB5vC8xZ1aS3dF6gH9jK2lQ4wE7rT0yU", "Here is my config.py:\nclient = OpenAI(api_key=\"sk-proj-4fTgH7jK9lM2nB5vC8xZ1aS3dF6gH9jK2lQ4wE7rT0yU\")\nIt says quota exceeded."),
        ("openai-key", "sk-9hG4kL2mN7pQ1rS5tV8wX3yZ6aB0cD4e", "Rotate this old key for me please: sk-9hG4kL2mN7pQ1rS5tV8wX3yZ6aB0cD4e and tell me what to do next."),
        ("google-api-key", "AIzaSyD3fK8mP2qR7tV1wX5yZ9aB4cE6gH0jL2n", "Gemini returns 403 for curl 'https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyD3fK8mP2qR7tV1wX5yZ9aB4cE6gH0jL2n' - is the key restricted?"),
        ("groq-key", "gsk_8Tq2Wm5Xr9Yn3Zp7Ab1Cd4Ef6Gh0Jk2Lm5No8", "export GROQ_KEY_VALUE_ONLY is not enough; the docs say use gsk_8Tq2Wm5Xr9Yn3Zp7Ab1Cd4Ef6Gh0Jk2Lm5No8 in the header."),
        ("xai-key", "xai-Hq4Tn8Wr2Yv6Zb0Xc3Vm7Kl1Jp5Sd9Fg2Ah6Qw", "Using Grok with key xai-Hq4Tn8Wr2Yv6Zb0Xc3Vm7Kl1Jp5Sd9Fg2Ah6Qw, how do I stream?"),
        ("huggingface-token", "hf_kP3mQ8rT2vW6xY0zA4bC7dE1fG5hJ9kL", "from huggingface_hub import login\nlogin('hf_kP3mQ8rT2vW6xY0zA4bC7dE1fG5hJ9kL')\nThis hangs forever."),
        ("github-token", "ghp_R8t2Y6u0I4o8P2a6S0d4F8g2H6j0K4l8Z2x6", "git clone https://x:ghp_R8t2Y6u0I4o8P2a6S0d4F8g2H6j0K4l8Z2x6@github.com/acme/app fails with 403"),
        ("github-token", "gho_3Fk7Lp1Qm5Rn9Sw2Tx6Uy0Vz4Wa8Xb2Yc6Zd", "The OAuth app gave me gho_3Fk7Lp1Qm5Rn9Sw2Tx6Uy0Vz4Wa8Xb2Yc6Zd, which scopes does it have?"),
        ("github-token", "github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789abcdefGHIJKLMNOPQR", "CI uses GH_PAT_VALUE=github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789abcdefGHIJKLMNOPQR in the workflow"),
        ("gitlab-token", "glpat-x7Yz2Ab4Cd6Ef8Gh0Ij2", "curl --header 'PRIVATE-TOKEN: glpat-x7Yz2Ab4Cd6Ef8Gh0Ij2' https://gitlab.example.com/api/v4/projects"),
        ("slack-token", "xoxb-2048-4096-Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7", "My Slack bot with token xoxb-2048-4096-Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7 cannot post to #general."),
        ("aws-access-key-id", "AKIAQ3EXAMPLE7KZ4PLM", "The S3 upload fails. aws configure list shows access_key ****************, but the env has AKIAQ3EXAMPLE7KZ4PLM set."),
        ("aws-secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY9", "~/.aws/credentials:\n[default]\naws_access_key_id = ASIAY4EXAMPLE2QW9RTX\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY9\nWhy is it ignored?"),
        ("aws-access-key-id", "ASIAY4EXAMPLE2QW9RTX", "session creds ASIAY4EXAMPLE2QW9RTX expired?"),
        ("gcp-private-key", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7gcpSvcAkey", "Is this service account JSON right?\n{\"type\": \"service_account\", \"project_id\": \"acme-prod\", \"private_key_id\": \"3f9a1c2b7d4e5f60718293a4b5c6d7e8f9a0b1c2\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7gcpSvcAkey\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"ci@acme-prod.iam.gserviceaccount.com\"}"),
        ("private-key", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", "ssh fails with this key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDk8Xl2\n-----END OPENSSH PRIVATE KEY-----\nwhat is wrong?"),
        ("azure-key", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=", "DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=;EndpointSuffix=core.windows.net does not connect"),
        ("azure-sas-signature", "q7Rz2Kp9Wm4Xn8Yv3Tb6Lc1Hd5Jf0Gs%2BAe7Qw%3D", "Download with https://acmestore.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31&sig=q7Rz2Kp9Wm4Xn8Yv3Tb6Lc1Hd5Jf0Gs%2BAe7Qw%3D returns 403"),
        ("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "Decode this token for me: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
        ("authorization", "dGhpc2lzYXNlY3JldHRva2VuMTIz", "The request I send:\nGET /api/v1/items HTTP/1.1\nHost: api.acme.dev\nAuthorization: Token dGhpc2lzYXNlY3JldHRva2VuMTIz\nreturns 401."),
        ("bearer", "acme_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0", "fetch(url, { headers: { 'X-Custom': 'Bearer acme_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0' } }) returns 403"),
        ("bearer", "YWxpY2U6czNjcjN0UGFzc3cwcmQ=", "curl -H 'X-Proxy: Basic YWxpY2U6czNjcjN0UGFzc3cwcmQ=' gives 407"),
        ("cookie", "sessionid=8f2b6e1d9c4a7f3e0b5d2c8a6e4f1b9d; csrftoken=Qm3Xr7Tz1Vw5", "Replaying the browser request:\nCookie: sessionid=8f2b6e1d9c4a7f3e0b5d2c8a6e4f1b9d; csrftoken=Qm3Xr7Tz1Vw5\nstill logs me out."),
        ("env-secret", "p4ssw0rd-Prod-2026!", "My .env:\nDATABASE_HOST=db.internal\nDATABASE_PASSWORD=p4ssw0rd-Prod-2026!\nDEBUG=false\nWhy does the app not read it?"),
        ("env-secret", "whsec_5Kj8Lm2Np6Qr0St4Uv8Wx2Yz", "export STRIPE_WEBHOOK_SECRET=whsec_5Kj8Lm2Np6Qr0St4Uv8Wx2Yz\nnode server.js fails the signature check"),
        ("stripe-key", "sk_live_51HqXyZAbCdEfGhIjKlMnOp", "Charge fails with stripe.api_key = 'sk_live_51HqXyZAbCdEfGhIjKlMnOp'"),
        ("url-credentials", "Tr0ub4dor-3-horse", "DATABASE_URL_VALUE is postgres://app:Tr0ub4dor-3-horse@db.acme.dev:5432/app and psql connects but the app does not"),
    ];
}
