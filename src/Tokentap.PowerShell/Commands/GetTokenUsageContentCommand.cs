// Get-TokenUsageContent: the captured prompt and response of usage events, piped from Get-TokenUsage or by -Id.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokenUsageContent")]
[OutputType(typeof(TokenUsageContent), typeof(string))]
public sealed class GetTokenUsageContentCommand : TokentapCmdlet
{
    private const string ContentNotFound = nameof(ContentNotFound);
    private bool _stopping;

    /// <summary>The usage event ids; Get-TokenUsage's events bind by their Id property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    /// <summary>Write each call's content as plain text instead of objects.</summary>
    [Parameter]
    public SwitchParameter AsText { get; set; }

    protected override void ProcessRecord() => Guarded(() =>
    {
        foreach (var id in Id)
        {
            if (_stopping)
            {
                return;
            }

            if (Engine.GetContent(id) is not { } content)
            {
                WriteError(
                    new ItemNotFoundException($"No content was captured for usage event {id} (capture was off, or the content was removed)."),
                    ContentNotFound,
                    ErrorCategory.ObjectNotFound,
                    id);
            }
            else if (AsText)
            {
                WriteObject(Tokentap.Engine.Facade.TokentapEngine.FormatContent(content));
            }
            else
            {
                WriteObject(content);
            }
        }
    });

    protected override void EndProcessing() => WriteEngineNotices();

    protected override void StopProcessing() => _stopping = true;
}
