// Measure-TokenCount: counts tokens in text or files with OpenAI's tiktoken encodings (Microsoft.ML.Tokenizers).
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "TokenCount", DefaultParameterSetName = TextSet)]
[OutputType(typeof(TokenCount))]
public sealed class MeasureTokenCountCommand : TokentapCmdlet
{
    private const string TextSet = "Text";
    private readonly List<string> _lines = new();

    /// <summary>Text to count; pipeline strings (for example Get-Content lines) are counted together as one text.</summary>
    [Parameter(ParameterSetName = TextSet, Mandatory = true, Position = 0, ValueFromPipeline = true), AllowEmptyString]
    public string[] InputObject { get; set; } = Array.Empty<string>();

    /// <summary>Files to count, one result each.</summary>
    [Parameter(ParameterSetName = nameof(Path), Mandatory = true, ValueFromPipelineByPropertyName = true), Alias("FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The encoding: o200k_base (GPT-4o and later; the default) or cl100k_base (GPT-4, GPT-3.5).</summary>
    [Parameter, ValidateSet(TokentapEngine.DefaultEncoding, TokentapEngine.LegacyEncoding)]
    public string? Encoding { get; set; }

    /// <summary>Count with the encoding this model uses (an estimate for non-OpenAI models).</summary>
    [Parameter, ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Encoding is not null && Model is not null)
        {
            ThrowTerminating(new ArgumentException("Give -Encoding or -Model, not both."), "EncodingAndModel", ErrorCategory.InvalidArgument, Model);
        }
    }

    protected override void ProcessRecord()
    {
        _lines.AddRange(ParameterSetName == TextSet ? InputObject : Array.Empty<string>());
        foreach (var file in ParameterSetName == TextSet ? Array.Empty<string>() : Path.SelectMany(ResolveFiles))
        {
            Guarded(() => WriteObject(TokentapEngine.CountTokensInFile(file, Encoding ?? Model)));
        }
    }

    protected override void EndProcessing()
    {
        if (_lines.Count > 0)
        {
            WriteObject(TokentapEngine.CountTokens(string.Join('\n', _lines), Encoding ?? Model, null));
        }
    }

    /// <summary>The files a path or wildcard names; an error for each that names nothing or a folder.</summary>
    private List<string> ResolveFiles(string pattern)
    {
        try
        {
            var paths = GetResolvedProviderPathFromPSPath(pattern, out _);
            foreach (var folder in paths.Where(Directory.Exists))
            {
                WriteError(new IOException($"{folder} is a folder, not a file."), "PathIsFolder", ErrorCategory.InvalidArgument, folder);
            }

            return paths.Where(p => !Directory.Exists(p)).ToList();
        }
        catch (ItemNotFoundException ex)
        {
            WriteError(ex, "FileNotFound", ErrorCategory.ObjectNotFound, pattern);
            return new List<string>();
        }
    }
}
