// Import-TokenUsage: reads what Claude Code, Codex CLI and Gemini CLI logged, reconciled with what the proxy saw.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsData.Import, "TokenUsage", SupportsShouldProcess = true)]
[OutputType(typeof(TokenUsageImportReport))]
public sealed class ImportTokenUsageCommand : TokentapCmdlet
{
    private const int ProgressId = 18;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Which agents' logs: ClaudeCode, Codex, Gemini (default all three).</summary>
    [Parameter(Position = 0)]
    [ValidateSet("ClaudeCode", "Codex", "Gemini")]
    public string[]? Source { get; set; }

    /// <summary>Folders (or files) to read instead of each agent's own folders: a backup, another machine's copy.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    protected override void EndProcessing()
    {
        var sources = Source?.Select(s => s switch { "ClaudeCode" => UsageSource.ClaudeCodeLog, "Codex" => UsageSource.CodexLog, _ => UsageSource.GeminiLog }).ToList();
        var paths = Path?.Select(GetUnresolvedProviderPathFromPSPath).ToList();
        foreach (var missing in paths?.Where(p => !Directory.Exists(p) && !File.Exists(p)).ToList() ?? [])
        {
            WriteError(new ItemNotFoundException($"Cannot find '{missing}'."), "HistoryPathNotFound", ErrorCategory.ObjectNotFound, missing);
            paths!.Remove(missing);
        }

        if (paths is { Count: 0 })
        {
            return;
        }

        var engine = Engine;
        var what = sources is null ? "Claude Code, Codex and Gemini CLI logs" : string.Join(", ", Source!) + " logs";
        var whatIf = !ShouldProcess(engine.Home, $"Import the usage in {what}{(paths is null ? "" : " under " + string.Join(", ", paths))}");
        if (whatIf && !(MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound) ? bound is SwitchParameter { IsPresent: true } : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"))))
        {
            return;
        }

        try
        {
            foreach (var report in engine.ImportUsageHistory(sources, paths, whatIf, Progress, _stop.Token))
            {
                WriteObject(report);
            }
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }
        finally
        {
            WriteProgress(new ProgressRecord(ProgressId, "Import-TokenUsage", "Done") { RecordType = ProgressRecordType.Completed });
        }

        WriteEngineNotices();
    }

    protected override void StopProcessing() => _stop.Cancel();

    private void Progress(TokenUsageImportProgress progress)
    {
        var record = new ProgressRecord(ProgressId, $"Import-TokenUsage: {progress.Source}", $"{progress.FilesDone:N0} of {progress.Files:N0} files, {progress.EventsFound:N0} calls found")
        {
            PercentComplete = progress.Files == 0 ? 100 : progress.FilesDone * 100 / progress.Files,
            CurrentOperation = progress.CurrentFile,
        };
        WriteProgress(record);
    }
}
