// Completes -Project with the projects the usage store holds.
namespace Tokentap.PowerShell;

/// <summary>Completes a project of the stored usage events.</summary>
public sealed class ProjectCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.Project;
}
