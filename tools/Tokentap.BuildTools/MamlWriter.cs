// Writes CommandHelp objects as a MAML help file (the format Get-Help reads for binary modules).
using System.Xml;
using System.Xml.Linq;

namespace Tokentap.BuildTools;

internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static void Write(IReadOnlyList<CommandHelp> commands, string path)
    {
        var document = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                Msh + "helpItems",
                new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml),
                new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                commands.Select(CommandElement)));

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            document.Save(writer);
        }

        var bytes = buffer.ToArray();
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        File.WriteAllBytes(path, bytes);
    }

    private static XElement CommandElement(CommandHelp help)
    {
        var dash = help.Name.IndexOf('-', StringComparison.Ordinal);
        return new XElement(
            Command + "command",
            new XElement(
                Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Name[..dash]),
                new XElement(Command + "noun", help.Name[(dash + 1)..]),
                Description(new[] { help.Synopsis })),
            Description(help.Description),
            new XElement(Command + "syntax", SyntaxItems(help)),
            new XElement(Command + "parameters", help.Parameters.Select(ParameterElement)),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => TypeElement(Command + "inputType", t))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => TypeElement(Command + "returnValue", t))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select(ExampleElement)),
            new XElement(
                Command + "relatedLinks",
                help.Links.Select(l => new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", l.Text), new XElement(Maml + "uri", l.Uri)))));
    }

    private static IEnumerable<XElement> SyntaxItems(CommandHelp help)
    {
        foreach (var block in help.Syntax.OrderByDescending(b => b.IsDefault))
        {
            var inSet = help.Parameters.Where(p =>
                p.ParameterSets.Count == 0
                || p.ParameterSets.Contains("(All)", StringComparer.OrdinalIgnoreCase)
                || p.ParameterSets.Contains(block.SetName, StringComparer.OrdinalIgnoreCase)
                || help.Syntax.Count == 1);
            yield return new XElement(
                Command + "syntaxItem",
                new XElement(Maml + "name", help.Name),
                inSet.Select(ParameterElement));
        }
    }

    private static XElement ParameterElement(ParameterHelp parameter) =>
        new(
            Command + "parameter",
            new XAttribute("required", parameter.Required ? "true" : "false"),
            new XAttribute("variableLength", parameter.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false"),
            new XAttribute("globbing", parameter.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", parameter.PipelineInput),
            new XAttribute("position", parameter.Position.ToLowerInvariant()),
            new XAttribute("aliases", parameter.Aliases.Length == 0 ? "none" : parameter.Aliases),
            new XElement(Maml + "name", parameter.Name),
            Description(parameter.Description),
            parameter.IsSwitch
                ? null
                : new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), parameter.Type),
            new XElement(Dev + "type", new XElement(Maml + "name", parameter.Type), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", parameter.DefaultValue));

    private static XElement TypeElement(XName name, TypeHelp type) =>
        new(name, new XElement(Dev + "type", new XElement(Maml + "name", type.TypeName), new XElement(Maml + "uri")), Description(type.Description));

    private static XElement ExampleElement(ExampleHelp example) =>
        new(
            Command + "example",
            new XElement(Maml + "title", $"--------- {example.Title} ---------"),
            new XElement(Dev + "code", string.Join("\n", example.Code)),
            new XElement(Dev + "remarks", Paragraphs(example.Remarks)));

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paragraphs(paragraphs));

    private static IEnumerable<XElement> Paragraphs(IEnumerable<string> paragraphs) =>
        paragraphs.Select(p => new XElement(Maml + "para", p));
}
