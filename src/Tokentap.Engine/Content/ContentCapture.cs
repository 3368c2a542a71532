// Content capture for a data folder while a proxy runs: settings, redaction and the writer, behind the observer seam.
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Content;

/// <summary>
/// Created when a proxy starts with capture on; the observer asks it for a <see cref="ContentExchange"/> per billed
/// request. Records are bounded per request (<see cref="MaxRequestBytes"/>, <see cref="MaxResponseChars"/>) and in
/// total (the settings' cap). <see cref="Dispose"/> writes what is queued.
/// </summary>
internal sealed class ContentCapture : IContentCapture, IDisposable
{
    /// <summary>The most sanitized request JSON kept per call.</summary>
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    /// <summary>The most response text and tool-call arguments kept per call.</summary>
    public const int MaxResponseChars = 1024 * 1024;

    public ContentCapture(ContentStore store, ContentSettings settings)
    {
        Store = store;
        Settings = settings;
        Redaction = new Redaction(settings.RedactPatterns);
        Writer = new ContentWriter(store, settings, Redaction);
    }

    public ContentStore Store { get; }

    public ContentSettings Settings { get; }

    public Redaction Redaction { get; }

    public ContentWriter Writer { get; }

    public IContentExchange? Begin(ApiRoute route, ExchangeRequest request) => new ContentExchange(this, route, request);

    public void Dispose() => Writer.Dispose();
}
