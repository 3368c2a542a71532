// The secret shapes content capture removes before anything is stored: provider keys, tokens, credentials, key lines.
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Content;

/// <summary>
/// The built-in patterns, most specific first. A pattern with a group named "keep" keeps that group (a variable name,
/// a header name) and replaces the rest of the match with <c>[REDACTED:kind]</c>.
/// </summary>
internal static class RedactionPatterns
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    // A value on a key=value or key: value line: quoted or not, up to the end of the value.
    private const string Value = """["']?[^\s"',;&]{4,}["']?""";

    // Names in .env files, shell exports and YAML that hold secrets.
    private const string SecretName = "[A-Za-z0-9_.-]*(?:SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|PWD|API_?KEY|APIKEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH|SIGNING_?KEY|CLIENT_?SECRET|DSN|CONN(?:ECTION)?_?STR(?:ING)?)[A-Za-z0-9_.-]*";

    /// <summary>The patterns, in the order they are applied.</summary>
    public static IReadOnlyList<(string Kind, Regex Pattern)> All { get; } =
    [
        ("private-key", new Regex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)", Options, Timeout)),
        ("gcp-private-key", new Regex("""(?<keep>\\?"private_key(?:_id)?\\?"\s*:\s*\\?")(?:[^"\\]|\\[^"])+""", Options, Timeout)),
        ("anthropic-key", new Regex(@"sk-ant-[A-Za-z0-9_\-]{8,}", Options, Timeout)),
        ("stripe-key", new Regex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}", Options, Timeout)),
        ("openai-key", new Regex(@"\bsk-(?:proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_\-]{16,}", Options, Timeout)),
        ("google-api-key", new Regex(@"\bAIza[0-9A-Za-z_\-]{30,}", Options, Timeout)),
        ("google-oauth-token", new Regex(@"\bya29\.[0-9A-Za-z_\-]{20,}", Options, Timeout)),
        ("groq-key", new Regex(@"\bgsk_[A-Za-z0-9]{16,}", Options, Timeout)),
        ("xai-key", new Regex(@"\bxai-[A-Za-z0-9]{16,}", Options, Timeout)),
        ("huggingface-token", new Regex(@"\bhf_[A-Za-z0-9]{16,}", Options, Timeout)),
        ("github-token", new Regex(@"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})", Options, Timeout)),
        ("gitlab-token", new Regex(@"\bglpat-[A-Za-z0-9_\-]{16,}", Options, Timeout)),
        ("slack-token", new Regex(@"\bxox[abposrce]-[A-Za-z0-9\-]{10,}", Options, Timeout)),
        ("npm-token", new Regex(@"\bnpm_[A-Za-z0-9]{30,}", Options, Timeout)),
        ("aws-access-key-id", new Regex(@"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b", Options, Timeout)),
        ("aws-secret", new Regex("""(?<keep>(?i:aws_?secret_?access_?key|aws_?session_?token|secret_?access_?key|SecretAccessKey|SessionToken)["']?\s*[:=]\s*)["']?[A-Za-z0-9/+=]{16,}["']?""", Options, Timeout)),
        ("azure-key", new Regex("""(?<keep>(?<![A-Za-z0-9_])(?i:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=)[^;"'\s]+""", Options, Timeout)),
        ("azure-sas-signature", new Regex(@"(?<keep>[?&]sig=)[A-Za-z0-9%/+=]+", Options, Timeout)),
        ("jwt", new Regex(@"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}", Options, Timeout)),
        ("authorization", new Regex($"""(?<keep>(?i:\b(?:proxy-)?authorization|x-api-key|api-key|x-goog-api-key|x-auth-token)["']?\s*[:=]\s*)(?:(?i:bearer|basic|token|digest)\s+)?{Value}""", Options, Timeout)),
        ("bearer", new Regex(@"(?<keep>\b(?i:bearer|basic)\s+)(?=[A-Za-z0-9._~+/\-]*[0-9])[A-Za-z0-9._~+/\-]{12,}=*", Options, Timeout)),
        ("cookie", new Regex(@"(?<keep>(?i:\b(?:set-)?cookie)\s*:\s*)[^\r\n""]+", Options, Timeout)),
        ("url-credentials", new Regex(@"(?<keep>\b[a-z][a-z0-9+.\-]*://[^\s:/@""']+:)[^\s@/""']+(?=@)", Options, Timeout)),
        ("env-secret", new Regex($"""(?<keep>(?m:^)[ \t]*(?:export[ \t]+)?(?i:{SecretName})[ \t]*[=:][ \t]*)(?!\[REDACTED)[^\r\n]+""", Options, Timeout)),
        ("json-secret", new Regex($$"""(?<keep>\\?"(?i:{{SecretName}})\\?"\s*:\s*\\?")(?!\[REDACTED)(?:[^"\\]|\\[^"]){4,}""", Options, Timeout)),
    ];
}
