// Reads cmdlet help written as platyPS-style markdown (docs/cmdlets/*.md) into CommandHelp objects.
using System.Text.RegularExpressions;

namespace Tokentap.BuildTools;

internal static partial class MarkdownHelpReader
{
    [GeneratedRegex(@"^\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)$")]
    private static partial Regex LinkLine();

    [GeneratedRegex(@"^(?<set>.+?)(?:\s+\((?<default>Default)\))?$")]
    private static partial Regex SyntaxHeading();

    public static IReadOnlyList<CommandHelp> ReadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new IOException($"help source folder not found: {directory}");
        }

        var commands = Directory.GetFiles(directory, "*-*.md")
            .Order(StringComparer.Ordinal)
            .Select(path => Read(path, File.ReadAllLines(path)))
            .ToList();
        if (commands.Count == 0)
        {
            throw new InvalidDataException($"{directory}: no cmdlet help files (Verb-Noun.md).");
        }

        return commands;
    }

    public static CommandHelp Read(string path, IReadOnlyList<string> lines)
    {
        var index = SkipFrontMatter(lines);
        CommandHelp? help = null;
        string section = "";
        string? subsection = null;
        var paragraph = new List<string>();
        var inFence = false;
        var fenceLanguage = "";
        var fence = new List<string>();

        void FlushParagraph()
        {
            if (paragraph.Count == 0 || help is null)
            {
                paragraph.Clear();
                return;
            }

            var text = string.Join(" ", paragraph.Select(l => l.Trim()));
            paragraph.Clear();
            AddText(help, section, subsection, text, path);
        }

        for (; index < lines.Count; index++)
        {
            var line = lines[index];
            if (inFence)
            {
                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    inFence = false;
                    AddFence(help!, section, subsection, fenceLanguage, fence, path);
                    fence.Clear();
                }
                else
                {
                    fence.Add(line);
                }

                continue;
            }

            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                FlushParagraph();
                inFence = true;
                fenceLanguage = line.Trim().TrimStart('`').Trim();
                continue;
            }

            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                FlushParagraph();
                help = new CommandHelp { Name = line[2..].Trim() };
                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                FlushParagraph();
                section = line[3..].Trim().ToUpperInvariant();
                subsection = null;
                continue;
            }

            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                FlushParagraph();
                subsection = line[4..].Trim();
                StartSubsection(help ?? throw Error(path, index, "a '### ' heading before the '# Name' heading"), section, subsection);
                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                FlushParagraph();
                continue;
            }

            if ((line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal)) && paragraph.Count > 0)
            {
                FlushParagraph();
            }

            paragraph.Add(line);
        }

        if (inFence)
        {
            throw Error(path, lines.Count, "an unclosed ``` code fence");
        }

        FlushParagraph();
        if (help is null)
        {
            throw new InvalidDataException($"{path}: no '# Verb-Noun' heading.");
        }

        Validate(help, path);
        return help;
    }

    private static int SkipFrontMatter(IReadOnlyList<string> lines)
    {
        if (lines.Count == 0 || lines[0].Trim() != "---")
        {
            return 0;
        }

        for (var i = 1; i < lines.Count; i++)
        {
            if (lines[i].Trim() == "---")
            {
                return i + 1;
            }
        }

        return lines.Count;
    }

    private static void StartSubsection(CommandHelp help, string section, string heading)
    {
        switch (section)
        {
            case "EXAMPLES":
                help.Examples.Add(new ExampleHelp { Title = heading });
                break;
            case "PARAMETERS" when heading.StartsWith('-'):
                help.Parameters.Add(new ParameterHelp { Name = heading[1..].Trim() });
                break;
            case "INPUTS":
                help.Inputs.Add(new TypeHelp(heading, new List<string>()));
                break;
            case "OUTPUTS":
                help.Outputs.Add(new TypeHelp(heading, new List<string>()));
                break;
        }
    }

    private static void AddText(CommandHelp help, string section, string? subsection, string text, string path)
    {
        switch (section)
        {
            case "SYNOPSIS":
                help.Synopsis = help.Synopsis.Length == 0 ? text : help.Synopsis + " " + text;
                break;
            case "DESCRIPTION":
                help.Description.Add(text);
                break;
            case "EXAMPLES" when help.Examples.Count > 0:
                help.Examples[^1].Remarks.Add(text);
                break;
            case "PARAMETERS" when subsection is not null && subsection.StartsWith('-'):
                help.Parameters[^1].Description.Add(text);
                break;
            case "INPUTS" when help.Inputs.Count > 0:
                help.Inputs[^1].Description.Add(text);
                break;
            case "OUTPUTS" when help.Outputs.Count > 0:
                help.Outputs[^1].Description.Add(text);
                break;
            case "NOTES":
                help.Notes.Add(text);
                break;
            case "RELATED LINKS":
                var match = LinkLine().Match(text);
                help.Links.Add(match.Success ? new LinkHelp(match.Groups["text"].Value, match.Groups["uri"].Value) : new LinkHelp(text, ""));
                break;
            case "PARAMETERS":
            case "SYNTAX":
            case "INPUTS":
            case "OUTPUTS":
                break;
            default:
                throw new InvalidDataException($"{path}: text in unknown section '{section}' of {help.Name}.");
        }
    }

    private static void AddFence(CommandHelp help, string section, string? subsection, string language, List<string> fence, string path)
    {
        switch (section)
        {
            case "SYNTAX" when subsection is not null:
                var heading = SyntaxHeading().Match(subsection);
                help.Syntax.Add(new SyntaxBlock(heading.Groups["set"].Value, heading.Groups["default"].Success, string.Join(" ", fence.Select(l => l.Trim()))));
                break;
            case "EXAMPLES" when help.Examples.Count > 0:
                help.Examples[^1].Code.AddRange(fence);
                break;
            case "PARAMETERS" when language == "yaml" && subsection is not null && subsection.StartsWith('-'):
                ReadParameterYaml(help.Parameters[^1], fence, path);
                break;
            default:
                throw new InvalidDataException($"{path}: a code block in '{section}' {subsection} that help cannot place.");
        }
    }

    private static void ReadParameterYaml(ParameterHelp parameter, List<string> yaml, string path)
    {
        foreach (var line in yaml)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "Type":
                    parameter.Type = value;
                    break;
                case "Parameter Sets":
                    parameter.ParameterSets.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "Aliases":
                    parameter.Aliases = value;
                    break;
                case "Required":
                    parameter.Required = value.StartsWith("True", StringComparison.OrdinalIgnoreCase);
                    break;
                case "Position":
                    parameter.Position = value;
                    break;
                case "Default value":
                    parameter.DefaultValue = value.Length == 0 ? "None" : value;
                    break;
                case "Accept pipeline input":
                    parameter.PipelineInput = value;
                    break;
                case "Accept wildcard characters":
                    parameter.Globbing = value.StartsWith("True", StringComparison.OrdinalIgnoreCase);
                    break;
                default:
                    throw new InvalidDataException($"{path}: unknown parameter field '{key}' for -{parameter.Name}.");
            }
        }
    }

    private static void Validate(CommandHelp help, string path)
    {
        if (help.Synopsis.Length == 0)
        {
            throw new InvalidDataException($"{path}: {help.Name} has no SYNOPSIS.");
        }

        if (help.Syntax.Count == 0)
        {
            throw new InvalidDataException($"{path}: {help.Name} has no SYNTAX block.");
        }

        foreach (var parameter in help.Parameters.Where(p => p.Type.Length == 0))
        {
            throw new InvalidDataException($"{path}: -{parameter.Name} of {help.Name} has no yaml block with its Type.");
        }
    }

    private static InvalidDataException Error(string path, int lineIndex, string what) =>
        new($"{path}({lineIndex + 1}): {what}.");
}
