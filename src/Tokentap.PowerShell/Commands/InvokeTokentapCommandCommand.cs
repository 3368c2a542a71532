// Invoke-TokentapCommand: runs one native command, as PowerShell runs native commands, through a Tokentap proxy of its
// own, tagged with App, Project and a run Session, with the proxy variables set while it runs; then says what it cost.
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "TokentapCommand")]
[OutputType(typeof(string), typeof(TokentapSessionReport))]
public sealed class InvokeTokentapCommandCommand : TokentapCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The native command: claude, codex, gemini, aider, node, curl, or a path.</summary>
    [Parameter(Mandatory = true, Position = 0), ValidateNotNullOrEmpty]
    public string Command { get; set; } = "";

    /// <summary>Arguments for the command, passed as given.</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    /// <summary>The App events are tagged with; default the tool's canonical App (claude -> claude-code, gemini -> gemini-cli).</summary>
    [Parameter, ValidateNotNullOrEmpty]
    public string? App { get; set; }

    /// <summary>The Project events are tagged with; default the current directory.</summary>
    [Parameter, ValidateNotNullOrEmpty]
    public string? Project { get; set; }

    /// <summary>Emit the run's TokentapSessionReport.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        if (InvokeCommand.GetCommand(Command, CommandTypes.Application) is not ApplicationInfo application)
        {
            ThrowTerminating(new CommandNotFoundException($"'{Command}' is not a program on PATH or a path to one."), "CommandNotFound", ErrorCategory.ObjectNotFound, Command);
            return;
        }

        WithEngine(() =>
        {
            var request = new CommandRunRequest { CommandName = application.Name, App = App, Project = Project ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath };
            if (Engine.RunCommand(request, run => RunAsNativeCommand(application.Path, run.Environment), this, _stopping.Token) is { } report)
            {
                WriteHostLine(TokentapEngine.DescribeReport(report));
                WriteObject(PassThru ? new[] { report } : Array.Empty<TokentapSessionReport>(), enumerateCollection: true);
            }
        });
    }

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// Runs the program as `program args` typed here would run: PowerShell's native command processor in a steppable
    /// pipeline whose output is this cmdlet's (TUIs keep the terminal; piped on, lines come down the pipeline), with
    /// $LASTEXITCODE, stderr and Ctrl+C as for any native command, and the variables set on the process while it runs.
    /// </summary>
    private int? RunAsNativeCommand(string path, IReadOnlyList<TokentapEnvironmentVariable> environment)
    {
        var script = new System.Text.StringBuilder("& ").Append(SingleQuoted(path));
        foreach (var argument in ArgumentList)
        {
            script.Append(' ').Append(SingleQuoted(argument));
        }

        using var pipeline = ScriptBlock.Create(script.ToString()).GetSteppablePipeline();
        using (var variables = new EnvironmentBackup())
        {
            variables.Apply(environment);
            pipeline.Begin(this);
            pipeline.End();
        }

        return LanguagePrimitives.TryConvertTo<int>(SessionState.PSVariable.GetValue("global:LASTEXITCODE"), out var code) ? code : null;
    }

    private static string SingleQuoted(string text) => "'" + System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(text) + "'";
}
