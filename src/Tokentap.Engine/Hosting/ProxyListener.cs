// One running proxy listener owned by a TokentapRuntime, registered in the data folder while it runs.
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Hosting;

/// <summary>A started proxy: its server, certificate authority, start time and registry entry.</summary>
public sealed class ProxyListener : IAsyncDisposable
{
    private readonly IDisposable _registration;
    private readonly Action<ProxyListener> _onStopped;
    private int _stopped;

    internal ProxyListener(ProxyServer server, CertificateAuthorityOpenResult authority, int requestedPort, IDisposable registration, Action<ProxyListener> onStopped)
    {
        Server = server;
        Authority = authority.Authority;
        AuthorityState = authority.State;
        AuthorityMessage = authority.Message;
        AuthorityPreviousThumbprint = authority.PreviousThumbprint;
        RequestedPort = requestedPort;
        _registration = registration;
        _onStopped = onStopped;
        StartedUtc = DateTime.UtcNow;
    }

    /// <summary>The proxy server.</summary>
    public ProxyServer Server { get; }

    /// <summary>The certificate authority it signs leaves with.</summary>
    public CertificateAuthority Authority { get; }

    /// <summary>Whether opening the authority for this listener loaded, created, re-issued or replaced it.</summary>
    public CertificateAuthorityState AuthorityState { get; }

    /// <summary>What opening the authority did, in words.</summary>
    public string AuthorityMessage { get; }

    /// <summary>The thumbprint of the certificate a re-issue or replacement superseded; null otherwise.</summary>
    public string? AuthorityPreviousThumbprint { get; }

    /// <summary>The port that was asked for (differs from <see cref="Port"/> when it was taken).</summary>
    public int RequestedPort { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => Server.Port;

    /// <summary>http://127.0.0.1:PORT.</summary>
    public string ProxyUrl => Server.ProxyUri.ToString().TrimEnd('/');

    /// <summary>When it started, UTC.</summary>
    public DateTime StartedUtc { get; }

    /// <summary>The attribution it tags exchanges with.</summary>
    public ExchangeTags Tags => Server.Options.Tags;

    /// <summary>The start's background warm-up (cancelled by <see cref="StopAsync"/>, which does not wait for it).</summary>
    internal EndToEndWarmUp? WarmUp { get; set; }

    /// <summary>Ends once the registry entry other shells read is written (or its failure became a notice).</summary>
    internal Task Registered { get; init; } = Task.CompletedTask;

    /// <summary>True until stopped.</summary>
    public bool IsRunning => Server.IsRunning;

    /// <summary>Stops accepting, lets in-flight exchanges finish or cuts them, and unregisters.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        WarmUp?.Dispose();
        StartTrace.Mark("warm-up stopped");
        try
        {
            await Server.StopAsync().ConfigureAwait(false);
            StartTrace.Mark("server stopped");
        }
        finally
        {
            _registration.Dispose();
            StartTrace.Mark("registration removed");
            _onStopped(this);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
