// What the proxy tells an observer about a request before forwarding it.
using Tokentap.Engine.Clients;

namespace Tokentap.Engine.Proxy;

/// <summary>One request on an intercepted host, as it is about to be forwarded upstream.</summary>
public sealed class ExchangeRequest
{
    private ReadOnlyMemory<byte> _body;
    private readonly ClientProcess? _client;

    public ExchangeRequest(ReadOnlyMemory<byte> body)
    {
        _body = body;
        ReceivedBody = body;
    }

    /// <summary>The real upstream host the request is for (api.openai.com), whatever route it came by.</summary>
    public required string Host { get; init; }

    /// <summary>The upstream port (443 for https).</summary>
    public required int Port { get; init; }

    /// <summary>The request method.</summary>
    public required string Method { get; init; }

    /// <summary>Path and query as sent upstream (a base-URL prefix such as /anthropic already removed).</summary>
    public required string PathAndQuery { get; init; }

    /// <summary>Request headers as received from the client (names as sent; look-ups are case-insensitive).</summary>
    public required HeaderList Headers { get; init; }

    /// <summary>How the request reached the proxy.</summary>
    public required ProxyRoute Route { get; init; }

    /// <summary>
    /// The wire format the user named for this host when adding it to the intercepted hosts (host=format), else null.
    /// The proxy passes it on uninterpreted.
    /// </summary>
    public string? DeclaredFormat { get; init; }

    /// <summary>True for a WebSocket upgrade request.</summary>
    public bool IsWebSocketUpgrade { get; init; }

    /// <summary>When the request started (the first byte of its request line), UTC.</summary>
    public required DateTime StartedUtc { get; init; }

    /// <summary>Attribution the listener was started with (Invoke-TokentapCommand's App, Project, Session).</summary>
    public required ExchangeTags Tags { get; init; }

    /// <summary>
    /// The process that sent the request, when the operating system tells (looked up once per connection, from the
    /// moment it came in). The request is forwarded without waiting for that lookup unless a gate needs it
    /// (<see cref="IRequestGate.NeedsClientProcess"/>), so on the proxy path this is null until the lookup ends; a
    /// tap sees it from its first WebSocket message and in <see cref="IExchangeTap.OnCompleted"/>, which wait for it.
    /// </summary>
    public ClientProcess? Client
    {
        get => ClientLookup is { } lookup ? (lookup.IsCompletedSuccessfully ? lookup.Result : null) : _client;
        init => _client = value;
    }

    /// <summary>The connection's client-process lookup, when the proxy started one (then it supplies <see cref="Client"/>).</summary>
    internal Task<ClientProcess?>? ClientLookup { get; init; }

    /// <summary>The request body (request bodies are small and are read whole before forwarding).</summary>
    public ReadOnlyMemory<byte> Body => _body;

    /// <summary>
    /// The body as the client sent it, before any <see cref="ReplaceBody"/>. Its memory belongs to this request (read
    /// whole for it, never pooled or reused), so an observer may keep it for as long as it keeps the request.
    /// </summary>
    public ReadOnlyMemory<byte> ReceivedBody { get; }

    /// <summary>True once <see cref="ReplaceBody"/> was called.</summary>
    public bool BodyReplaced { get; private set; }

    /// <summary>Replaces the body that is forwarded upstream; the proxy adjusts Content-Length.</summary>
    public void ReplaceBody(ReadOnlyMemory<byte> body)
    {
        _body = body;
        BodyReplaced = true;
    }
}
