// Invoke-TokentapCommand: runs one native command through a Tokentap proxy of its own, tagged with App, Project and a
// run Session, with the proxy variables set for that child only; then says what the run cost.
using System.Management.Automation;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "TokentapCommand")]
[OutputType(typeof(TokentapSessionReport))]
public sealed class InvokeTokentapCommandCommand : TokentapCmdlet
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private readonly ManualResetEventSlim _stopping = new();

    /// <summary>The native command: claude, codex, gemini, aider, node, curl, or a path.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Command { get; set; } = "";

    /// <summary>Arguments for the command, passed as given.</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    /// <summary>The App events are tagged with; default the command's name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? App { get; set; }

    /// <summary>The Project events are tagged with; default the current directory.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Project { get; set; }

    /// <summary>Emit the run's TokentapSessionReport.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var application = InvokeCommand.GetCommand(Command, CommandTypes.Application) as ApplicationInfo;
        if (application is null)
        {
            ThrowTerminating(new CommandNotFoundException($"'{Command}' is not a program on PATH or a path to one."), "CommandNotFound", ErrorCategory.ObjectNotFound, Command);
            return;
        }

        var workingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var app = App ?? Path.GetFileNameWithoutExtension(application.Name);
        var session = $"run-{app}-{DateTime.Now:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
        var request = (ModuleState.Session?.Request ?? new ListenerRequest { UpstreamProxy = InheritedUpstreamProxy() }) with
        {
            Port = 0,
            FallBackToNextFreePort = false,
            Tags = new ExchangeTags(session, app, Project ?? workingDirectory),
        };

        var runtime = ModuleState.Runtime;
        var listener = runtime.StartListenerAsync(request).GetAwaiter().GetResult();
        int exitCode;
        try
        {
            var environment = SessionEnvironment.Compute(
                listener.ProxyUrl,
                listener.Authority.Authority.CertificatePath,
                listener.Authority.Authority.BundlePath,
                Environment.GetEnvironmentVariable,
                caseSensitiveNames: !OperatingSystem.IsWindows(),
                WriteWarning);
            WriteVerbose($"Running {application.Path} through {listener.ProxyUrl} as session {session}.");
            using var child = ChildCommand.Start(application.Path, ArgumentList, workingDirectory, environment);
            exitCode = WaitForChild(child);
        }
        finally
        {
            listener.StopAsync().GetAwaiter().GetResult();
        }

        runtime.FlushAsync().Wait(TimeSpan.FromSeconds(10));
        SessionState.PSVariable.Set("global:LASTEXITCODE", exitCode);
        var report = SessionReports.Build(runtime.Store, session, listener.StartedUtc, DateTime.UtcNow - listener.StartedUtc, app, exitCode);
        WriteInformation(new HostInformationMessage { Message = SessionReports.Describe(report) }, new[] { "PSHOST" });
        if (PassThru)
        {
            WriteObject(report);
        }

        WriteEngineNotices();
    }

    protected override void StopProcessing() => _stopping.Set();

    /// <summary>Waits for the child; on Ctrl+C interrupts it, gives it time to exit on its own, then ends it.</summary>
    private int WaitForChild(ChildCommand child)
    {
        while (!child.WaitForExit(TimeSpan.FromMilliseconds(200)))
        {
            if (_stopping.IsSet)
            {
                child.Interrupt();
                if (!child.WaitForExit(StopGrace))
                {
                    child.Kill();
                    child.WaitForExit(TimeSpan.FromSeconds(5));
                }

                break;
            }
        }

        return child.WaitForExit(TimeSpan.Zero) ? child.ExitCode : -1;
    }
}
