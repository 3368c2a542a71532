// Facade use case of Invoke-TokentapCommand: one native command through a proxy of its own, then what it cost.
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Reports;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>
    /// Runs one command through a proxy of its own, tagged with App, Project and a run session: names the session,
    /// starts the listener (with the options of this process's proxy when one runs), computes the variables, lets
    /// <paramref name="runChild"/> run the program with them (the caller knows how to run a program; it returns the exit
    /// code), stops the listener, commits the events and returns the run's totals. Throws PortInUse, StartFailed or a
    /// store failure; returns null when <paramref name="cancellationToken"/> cancelled the start.
    /// </summary>
    public TokentapSessionReport? RunCommand(CommandRunRequest request, Func<CommandRun, int?> runChild, ITokentapMessages messages, CancellationToken cancellationToken = default)
    {
        var app = request.App ?? AppIdentifier.ForCommand(request.CommandName);
        var session = $"run-{app}-{DateTime.Now:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
        ListenerRequest? running;
        lock (_gate)
        {
            running = _proxyRequest;
        }

        var listenerRequest = (running ?? new ListenerRequest { UpstreamProxy = InheritedUpstreamProxy(messages) }) with
        {
            Port = 0,
            FallBackToNextFreePort = false,
            Tags = new ExchangeTags(session, app, request.Project),
        };
        var listener = StartListener(listenerRequest, "127.0.0.1:ephemeral port", cancellationToken);
        if (listener is null)
        {
            return null;
        }

        int? exitCode;
        try
        {
            var environment = EnvironmentFor(listener.ProxyUrl, messages);
            messages.WriteVerbose($"Running {request.CommandName} through {listener.ProxyUrl} as session {session}.");
            exitCode = runChild(new CommandRun(session, app, listener.ProxyUrl, environment));
        }
        finally
        {
            listener.StopAsync().GetAwaiter().GetResult();
        }

        Runtime.FlushAsync().Wait(TimeSpan.FromSeconds(10));
        return SessionReport(session, listener.StartedUtc, app, exitCode);
    }

    /// <summary>One line for the host: "claude-code: 3 requests, 1,234 in, 56 out, 7,890 cache read, 0 cache write, $0.0123".</summary>
    public static string DescribeReport(TokentapSessionReport report) => SessionReports.Describe(report);
}
