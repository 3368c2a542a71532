// The one normalized record of a billed LLM call, as captured by the proxy and stored in the usage store.
namespace Tokentap;

/// <summary>
/// One LLM request/response exchange with its normalized token usage and cost.
/// Token fields follow one rule across providers: <see cref="InputTokens"/> counts only uncached input,
/// so InputTokens + CacheReadTokens + CacheWriteTokens is the whole prompt (<see cref="ContextTokens"/>).
/// </summary>
public sealed class UsageEvent
{
    /// <summary>A new event with a fresh <see cref="Id"/> (time-ordered: see <see cref="NewId"/>).</summary>
    public UsageEvent() => Id = NewId();

    /// <summary>An event with a known <see cref="Id"/> (as read back from the store), without drawing a random one.</summary>
    /// <param name="id">The event's id.</param>
    public UsageEvent(Guid id) => Id = id;

    /// <summary>
    /// A version 7 UUID (RFC 9562): Unix milliseconds in the first 48 bits, then 74 random bits. The time tells the
    /// store's recorder an id made since it started, which no other process can have stored, from an older or
    /// imported one it must look for among the stored events. The random bits come from <see cref="Random.Shared"/> (a
    /// generator per thread, seeded from the operating system's secure source): an id must be unique, not secret, and
    /// <see cref="Guid.NewGuid"/> costs a read of /dev/urandom on Linux for each.
    /// </summary>
    private static Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        var milliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (40 - (8 * i)));
        }

        // Version 7 in the top nibble of byte 6, the RFC's variant (binary 10) in the top bits of byte 8.
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Unique id of this event, assigned at capture.</summary>
    public Guid Id { get; set; }

    /// <summary>When the request started, in UTC.</summary>
    public DateTime Timestamp { get; set; }

    /// <summary>Provider family: anthropic, openai, azure-openai, chatgpt, google, google-code-assist, openrouter,
    /// deepseek, mistral, groq, xai, together.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The real upstream host name the request was for (api.anthropic.com, ...).</summary>
    public string Host { get; set; } = "";

    /// <summary>The API called: messages, chat.completions, responses, generateContent, streamGenerateContent, ...</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>The model as the response reports it, else as the request named it.</summary>
    public string? Model { get; set; }

    /// <summary>The model the request asked for (body or URL), which may be an alias or a deployment name.</summary>
    public string? RequestModel { get; set; }

    /// <summary>Uncached input tokens only (never includes cache reads or cache writes).</summary>
    public long InputTokens { get; set; }

    /// <summary>Input tokens served from the provider's prompt cache.</summary>
    public long CacheReadTokens { get; set; }

    /// <summary>Input tokens written to the provider's prompt cache (all TTLs).</summary>
    public long CacheWriteTokens { get; set; }

    /// <summary>The part of <see cref="CacheWriteTokens"/> written with a 1 hour TTL (the rest is 5 minutes).</summary>
    public long CacheWrite1hTokens { get; set; }

    /// <summary>Output tokens, including reasoning tokens.</summary>
    public long OutputTokens { get; set; }

    /// <summary>The part of <see cref="OutputTokens"/> spent on reasoning/thinking, when the provider reports it.</summary>
    public long ReasoningTokens { get; set; }

    /// <summary>The whole prompt: input + cache read + cache write. Used for context-window gauges.</summary>
    public long ContextTokens => InputTokens + CacheReadTokens + CacheWriteTokens;

    /// <summary>All tokens of the exchange: <see cref="ContextTokens"/> + <see cref="OutputTokens"/>.</summary>
    public long TotalTokens => ContextTokens + OutputTokens;

    /// <summary><see cref="Timestamp"/> in this computer's time zone.</summary>
    public DateTime LocalTime => Timestamp.ToLocalTime();

    /// <summary>The local calendar day of <see cref="Timestamp"/>, for grouping (<c>Group-Object Day</c>).</summary>
    public DateTime Day => LocalTime.Date;

    /// <summary>Cost in US dollars computed at capture time; null when the model has no known price.</summary>
    public decimal? Cost { get; set; }

    /// <summary>True when any token number was estimated (for example a stream cut off before usage arrived).</summary>
    public bool Estimated { get; set; }

    /// <summary>True when the response was streamed (SSE, JSON-array stream or WebSocket).</summary>
    public bool Streaming { get; set; }

    /// <summary>HTTP status code of the response (101 for WebSocket exchanges, 0 when no response arrived).</summary>
    public int StatusCode { get; set; }

    /// <summary>An error description when the exchange failed or its usage could not be read completely; else null.</summary>
    public string? Error { get; set; }

    /// <summary>True when Tokentap refused the request itself (a Block budget) and nothing was sent to the provider.</summary>
    public bool Blocked { get; set; }

    /// <summary>Wall time from the start of the request to the end of the response, in milliseconds.</summary>
    public double DurationMs { get; set; }

    /// <summary>Time from the start of the request to the first response byte from upstream, in milliseconds.</summary>
    public double? TimeToFirstByteMs { get; set; }

    /// <summary>The calling application: claude-code, codex, gemini-cli, aider, openai-node, anthropic-python, curl, ...</summary>
    public string? App { get; set; }

    /// <summary>Version of the calling application, when its User-Agent says.</summary>
    public string? AppVersion { get; set; }

    /// <summary>The Tokentap session the event was captured in (Start-Tokentap -Session, or one run of
    /// Invoke-TokentapCommand).</summary>
    public string? Session { get; set; }

    /// <summary>The client's own conversation/session id when it sends one (Claude Code's x-claude-code-session-id,
    /// Codex's session-id, Gemini CLI's Code Assist session_id); context-window gauges and anomalies follow it.</summary>
    public string? ClientSessionId { get; set; }

    /// <summary>
    /// The project the call was made for: Invoke-TokentapCommand's -Project (default the directory it was run from);
    /// under Start-Tokentap the git root above the client process's working directory (the nearest folder with .git),
    /// else that directory itself; null when the client process could not be determined.
    /// </summary>
    public string? Project { get; set; }

    /// <summary>The id of the client process that made the call (found from its loopback socket); null when unknown.</summary>
    public int? ClientProcessId { get; set; }

    /// <summary>The name of the client process that made the call (curl, claude, node, ...); null when unknown.</summary>
    public string? ClientProcessName { get; set; }

    /// <summary>The provider's request id response header (request-id, x-request-id, ...).</summary>
    public string? RequestId { get; set; }

    /// <summary>The provider's response/message id (msg_..., chatcmpl-..., resp_..., responseId).</summary>
    public string? MessageId { get; set; }

    /// <summary>Why generation stopped (end_turn, tool_use, stop, length, STOP, ...).</summary>
    public string? StopReason { get; set; }

    /// <summary>Rate-limit and subscription-limit headers seen on the response, as typed values; null when none.</summary>
    public RateLimitSnapshot? RateLimits { get; set; }

    /// <summary>Where the event came from: the live proxy (the default, and what events stored before sources existed
    /// read back as), an agent's log, or a manual entry.</summary>
    public UsageSource Source { get; set; }

    /// <summary>The agent's conversation (session) the call belonged to, when its log or headers say; else null.</summary>
    public string? ConversationId { get; set; }

    /// <summary>The user turn (prompt) of the conversation that caused the call, counted from 1; null when unknown.</summary>
    public int? TurnIndex { get; set; }

    /// <summary>When that user turn started, in UTC; null when unknown.</summary>
    public DateTime? TurnStart { get; set; }

    /// <summary>Why <see cref="Estimated"/> is set for an imported event (the log's figures are known to be partial);
    /// null otherwise.</summary>
    public string? EstimatedReason { get; set; }

    /// <summary>
    /// SHA-256 of the request's method, path and body (the first 128 bits, as 32 hex digits): equal for requests sent
    /// again unchanged, so retry loops can be found without keeping any content. Null when not computed.
    /// </summary>
    public string? RequestFingerprint { get; set; }

    /// <summary>
    /// The key that makes a stored event unique: its event id. A retried write or a re-import of a stored event
    /// carries the same id and never counts twice, while two exchanges the proxy saw are always two events, even when
    /// an upstream reuses its request or message ids (gateways and some OpenAI-compatible servers do).
    /// </summary>
    public string UniqueKey => "id:" + Id.ToString("N");

    /// <summary>True when the exchange succeeded (2xx or a WebSocket upgrade) and carried no error.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300 or 101 && Error is null;
}
