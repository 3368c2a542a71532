// Invoke-TokentapCommand: runs one native command, as PowerShell runs native commands, through a Tokentap proxy of its
// own, tagged with App, Project and a run Session, with the proxy variables set while it runs; then says what it cost.
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "TokentapCommand")]
[OutputType(typeof(string), typeof(TokentapSessionReport))]
public sealed class InvokeTokentapCommandCommand : TokentapCmdlet
{
    /// <summary>The native command: claude, codex, gemini, aider, node, curl, or a path.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Command { get; set; } = "";

    /// <summary>Arguments for the command, passed as given.</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    /// <summary>The App events are tagged with; default the tool's canonical App (claude -> claude-code, gemini -> gemini-cli).</summary>
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
        var app = App ?? AppIdentifier.ForCommand(application.Name);
        var session = $"run-{app}-{DateTime.Now:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
        var request = (ModuleState.Session?.Request ?? new ListenerRequest { UpstreamProxy = InheritedUpstreamProxy() }) with
        {
            Port = 0,
            FallBackToNextFreePort = false,
            Tags = new ExchangeTags(session, app, Project ?? workingDirectory),
        };

        var runtime = ModuleState.Runtime;
        var listener = runtime.StartListenerAsync(request).GetAwaiter().GetResult();
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
            RunAsNativeCommand(application.Path, environment);
        }
        finally
        {
            listener.StopAsync().GetAwaiter().GetResult();
        }

        runtime.FlushAsync().Wait(TimeSpan.FromSeconds(10));
        var exitCode = LanguagePrimitives.TryConvertTo<int>(SessionState.PSVariable.GetValue("global:LASTEXITCODE"), out var code) ? code : (int?)null;
        var report = SessionReports.Build(runtime.Store, session, listener.StartedUtc, DateTime.UtcNow - listener.StartedUtc, app, exitCode);
        WriteInformation(new HostInformationMessage { Message = SessionReports.Describe(report) }, new[] { "PSHOST" });
        if (PassThru)
        {
            WriteObject(report);
        }

        WriteEngineNotices();
    }

    /// <summary>
    /// Runs the program the way `program args` typed in this cmdlet's place would run: through PowerShell's own native
    /// command processor, in a steppable pipeline whose output is this cmdlet's output. PowerShell then decides as it
    /// does for any native command: last in the pipeline with output going to the host, the child keeps the terminal
    /// (TUIs work); assigned, redirected or piped on, its standard output comes down the pipeline as strings. It also
    /// sets $LASTEXITCODE, treats standard error and Ctrl+C as for native commands. A native command inherits the
    /// process environment, so the variables are set on the process while the child runs and restored exactly after.
    /// </summary>
    private void RunAsNativeCommand(string path, IReadOnlyList<TokentapEnvironmentVariable> environment)
    {
        var script = new StringBuilder("& ").Append(SingleQuoted(path));
        foreach (var argument in ArgumentList)
        {
            script.Append(' ').Append(SingleQuoted(argument));
        }

        using var pipeline = ScriptBlock.Create(script.ToString()).GetSteppablePipeline();
        var variables = new EnvironmentBackup();
        try
        {
            variables.Apply(environment);
            pipeline.Begin(this);
            pipeline.End();
        }
        finally
        {
            variables.Restore();
        }
    }

    private static string SingleQuoted(string text) => "'" + CodeGeneration.EscapeSingleQuotedStringContent(text) + "'";
}
