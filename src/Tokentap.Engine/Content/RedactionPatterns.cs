// The secret shapes content capture removes before anything is stored: provider keys, tokens, credentials, key lines.
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Content;

/// <summary>
/// The built-in patterns, most specific first, each with its <see cref="RedactionAnchors"/>. A pattern with a group named "keep" keeps that group (a variable name,
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

    // The words of SecretName, one literal each (PASSWORD, PASSWD and PASSPHRASE share "pass"; every *KEY name "key").
    private static readonly string[] SecretNameWords = ["secret", "token", "pass", "pwd", "key", "credential", "auth", "dsn", "conn"];

    /// <summary>The patterns, in the order they are applied, each with the literals every match of it contains.</summary>
    public static IReadOnlyList<RedactionPattern> All { get; } =
    [
        new("private-key", new Regex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)", Options, Timeout), Literal("-----BEGIN ")),
        new("gcp-private-key", new Regex("""(?<keep>\\?"private_key(?:_id)?\\?"\s*:\s*\\?")(?:[^"\\]|\\[^"])+""", Options, Timeout), Literal("private_key")),
        new("anthropic-key", new Regex(@"sk-ant-[A-Za-z0-9_\-]{8,}", Options, Timeout), Literal("sk-ant-")),
        new("stripe-key", new Regex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}", Options, Timeout), Literal("_live_", "_test_")),
        new("openai-key", new Regex(@"\bsk-(?:proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_\-]{16,}", Options, Timeout), Literal("sk-")),
        new("google-api-key", new Regex(@"\bAIza[0-9A-Za-z_\-]{30,}", Options, Timeout), Literal("AIza")),
        new("google-oauth-token", new Regex(@"\bya29\.[0-9A-Za-z_\-]{20,}", Options, Timeout), Literal("ya29.")),
        new("groq-key", new Regex(@"\bgsk_[A-Za-z0-9]{16,}", Options, Timeout), Literal("gsk_")),
        new("xai-key", new Regex(@"\bxai-[A-Za-z0-9]{16,}", Options, Timeout), Literal("xai-")),
        new("huggingface-token", new Regex(@"\bhf_[A-Za-z0-9]{16,}", Options, Timeout), Literal("hf_")),
        new("github-token", new Regex(@"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})", Options, Timeout), Literal("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
        new("gitlab-token", new Regex(@"\bglpat-[A-Za-z0-9_\-]{16,}", Options, Timeout), Literal("glpat-")),
        new("slack-token", new Regex(@"\bxox[abposrce]-[A-Za-z0-9\-]{10,}", Options, Timeout), Literal("xox")),
        new("npm-token", new Regex(@"\bnpm_[A-Za-z0-9]{30,}", Options, Timeout), Literal("npm_")),
        new("aws-access-key-id", new Regex(@"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b", Options, Timeout), Literal("AKIA", "ASIA", "AROA", "AIDA")),
        new("aws-secret", new Regex("""(?<keep>(?i:aws_?secret_?access_?key|aws_?session_?token|secret_?access_?key|SecretAccessKey|SessionToken)["']?\s*[:=]\s*)["']?[A-Za-z0-9/+=]{16,}["']?""", Options, Timeout), new([], ["secret", "session"], ":=")),
        new("azure-key", new Regex("""(?<keep>(?<![A-Za-z0-9_])(?i:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=)[^;"'\s]+""", Options, Timeout), new([], ["key=", "signature=", "password=", "pwd="])),
        new("azure-sas-signature", new Regex(@"(?<keep>[?&]sig=)[A-Za-z0-9%/+=]+", Options, Timeout), Literal("sig=")),
        new("jwt", new Regex(@"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}", Options, Timeout), Literal("eyJ")),
        new("authorization", new Regex($"""(?<keep>(?i:\b(?:proxy-)?authorization|x-api-key|api-key|x-goog-api-key|x-auth-token)["']?\s*[:=]\s*)(?:(?i:bearer|basic|token|digest)\s+)?{Value}""", Options, Timeout), new([], ["authorization", "api-key", "x-auth-token"], ":=")),
        new("bearer", new Regex(@"(?<keep>\b(?i:bearer|basic)\s+)(?=[A-Za-z0-9._~+/\-]*[0-9])[A-Za-z0-9._~+/\-]{12,}=*", Options, Timeout), new([], ["bearer", "basic"])),
        new("cookie", new Regex(@"(?<keep>(?i:\b(?:set-)?cookie)\s*:\s*)[^\r\n""]+", Options, Timeout), new([], ["cookie"], ":")),
        new("url-credentials", new Regex(@"(?<keep>\b[a-z][a-z0-9+.\-]*://[^\s:/@""']+:)[^\s@/""']+(?=@)", Options, Timeout), new(["://"], [], "@")),
        new("env-secret", new Regex($"""(?<keep>(?m:^)[ \t]*(?:export[ \t]+)?(?i:{SecretName})[ \t]*[=:][ \t]*)(?!\[REDACTED)[^\r\n]+""", Options, Timeout), new([], SecretNameWords, "=:")),
        new("json-secret", new Regex($$"""(?<keep>\\?"(?i:{{SecretName}})\\?"\s*:\s*\\?")(?!\[REDACTED)(?:[^"\\]|\\[^"]){4,}""", Options, Timeout), new([], SecretNameWords, ":")),
    ];

    private static RedactionAnchors Literal(params string[] literals) => new(literals, []);
}
