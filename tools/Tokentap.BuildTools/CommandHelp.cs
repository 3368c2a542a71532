// The help of one cmdlet as read from its platyPS-style markdown file.
namespace Tokentap.BuildTools;

internal sealed class CommandHelp
{
    public required string Name { get; init; }
    public string Synopsis { get; set; } = "";
    public List<string> Description { get; } = new();
    public List<SyntaxBlock> Syntax { get; } = new();
    public List<ExampleHelp> Examples { get; } = new();
    public List<ParameterHelp> Parameters { get; } = new();
    public List<TypeHelp> Inputs { get; } = new();
    public List<TypeHelp> Outputs { get; } = new();
    public List<string> Notes { get; } = new();
    public List<LinkHelp> Links { get; } = new();
}

internal sealed record SyntaxBlock(string SetName, bool IsDefault, string Text);

internal sealed class ExampleHelp
{
    public required string Title { get; init; }
    public List<string> Code { get; } = new();
    public List<string> Remarks { get; } = new();
}

internal sealed class ParameterHelp
{
    public required string Name { get; init; }
    public List<string> Description { get; } = new();
    public string Type { get; set; } = "";
    public List<string> ParameterSets { get; } = new();
    public string Aliases { get; set; } = "";
    public bool Required { get; set; }
    public string Position { get; set; } = "Named";
    public string DefaultValue { get; set; } = "None";
    public string PipelineInput { get; set; } = "False";
    public bool Globbing { get; set; }
    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);
}

internal sealed record TypeHelp(string TypeName, List<string> Description);

internal sealed record LinkHelp(string Text, string Uri);
