// The only request rewrite Tokentap makes: ask Chat Completions streams to end with a usage chunk.
namespace Tokentap.Engine.Providers;

/// <summary>
/// OpenAI Chat Completions (and the compatible hosts that accept it) send no usage in a stream unless the request
/// has stream_options.include_usage = true; without it the bill cannot be read. For a request with "stream": true
/// and no include_usage, the member is spliced into the body bytes: after the body's opening brace when there is no
/// stream_options, else after stream_options' opening brace. Every other byte stays as the client sent it. A client
/// that set include_usage itself (true or false) or sent a non-object stream_options is left alone. The usage chunk
/// has an empty choices array, which the OpenAI SDKs expect when they ask for it themselves.
/// </summary>
internal static class StreamUsageRewriter
{
    private static readonly byte[] StreamOptionsMember = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();
    private static readonly byte[] IncludeUsageMember = "\"include_usage\":true"u8.ToArray();

    /// <summary>The rewritten body, or null when no rewrite applies.</summary>
    public static byte[]? AddIncludeUsage(ReadOnlySpan<byte> body, RequestFacts facts)
    {
        if (!facts.IsJsonObject || !facts.Stream || facts.HasIncludeUsage)
        {
            return null;
        }

        if (!facts.HasStreamOptions)
        {
            return Splice(body, facts.RootStart + 1, StreamOptionsMember, comma: false);
        }

        return facts.StreamOptionsStart < 0 ? null : Splice(body, facts.StreamOptionsStart + 1, IncludeUsageMember, comma: !facts.StreamOptionsEmpty);
    }

    private static byte[] Splice(ReadOnlySpan<byte> body, int at, byte[] member, bool comma)
    {
        var result = new byte[body.Length + member.Length + (comma ? 1 : 0)];
        body[..at].CopyTo(result);
        member.CopyTo(result.AsSpan(at));
        var next = at + member.Length;
        if (comma)
        {
            result[next++] = (byte)',';
        }

        body[at..].CopyTo(result.AsSpan(next));
        return result;
    }
}
