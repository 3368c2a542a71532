// The attribution (session, app, project) a listener attaches to every exchange it serves.
namespace Tokentap.Engine.Proxy;

/// <summary>Attribution attached to every exchange a listener serves.</summary>
public sealed record ExchangeTags(string? Session, string? App, string? Project)
{
    public static readonly ExchangeTags None = new(null, null, null);
}
