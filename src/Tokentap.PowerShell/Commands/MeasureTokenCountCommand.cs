// Measure-TokenCount: counts tokens in text or files with OpenAI's tiktoken encodings (Microsoft.ML.Tokenizers).
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Text;
using Tokentap.Engine.Tokenizing;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "TokenCount", DefaultParameterSetName = TextSet)]
[OutputType(typeof(TokenCount))]
public sealed class MeasureTokenCountCommand : TokentapCmdlet
{
    private const string TextSet = "Text";
    private const string PathSet = "Path";
    private readonly StringBuilder _text = new();
    private bool _sawText;

    /// <summary>Text to count; pipeline strings (for example Get-Content lines) are counted together as one text.</summary>
    [Parameter(ParameterSetName = TextSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] InputObject { get; set; } = Array.Empty<string>();

    /// <summary>Files to count, one result each.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The encoding: o200k_base (GPT-4o and later; the default) or cl100k_base (GPT-4, GPT-3.5).</summary>
    [Parameter]
    [ValidateSet(TokenEstimator.O200kBase, TokenEstimator.Cl100kBase)]
    public string? Encoding { get; set; }

    /// <summary>Count with the encoding this model uses (an estimate for non-OpenAI models).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    protected override void BeginProcessing()
    {
        if (Encoding is not null && Model is not null)
        {
            ThrowTerminating(
                new ArgumentException("Give -Encoding or -Model, not both."),
                "EncodingAndModel",
                ErrorCategory.InvalidArgument,
                Model);
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == TextSet)
        {
            foreach (var line in InputObject)
            {
                if (_sawText)
                {
                    _text.Append('\n');
                }

                _text.Append(line);
                _sawText = true;
            }

            return;
        }

        foreach (var pattern in Path)
        {
            foreach (var file in ResolveFiles(pattern))
            {
                try
                {
                    WriteObject(Count(File.ReadAllText(file), file));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    WriteError(ex, "FileReadFailed", ErrorCategory.ReadError, file);
                }
            }
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == TextSet && _sawText)
        {
            WriteObject(Count(_text.ToString(), null));
        }
    }

    private TokenCount Count(string text, string? source)
    {
        var encoding = TokenEstimator.ResolveEncoding(Encoding ?? Model ?? TokenEstimator.O200kBase);
        return new TokenCount(encoding, TokenEstimator.Shared.CountTokens(text, encoding), text.Length, source);
    }

    private IEnumerable<string> ResolveFiles(string pattern)
    {
        Collection<string> files;
        try
        {
            files = GetResolvedProviderPathFromPSPath(pattern, out _);
        }
        catch (ItemNotFoundException ex)
        {
            WriteError(ex, "FileNotFound", ErrorCategory.ObjectNotFound, pattern);
            yield break;
        }

        foreach (var file in files)
        {
            if (Directory.Exists(file))
            {
                WriteError(new IOException($"{file} is a folder, not a file."), "PathIsFolder", ErrorCategory.InvalidArgument, file);
                continue;
            }

            yield return file;
        }
    }
}
