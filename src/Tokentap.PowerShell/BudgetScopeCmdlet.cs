// The scope parameters of a budget (which usage counts toward it), apart from Set-TokentapBudget's own.
using System.Management.Automation;

namespace Tokentap.PowerShell;

/// <summary>Base of the budget cmdlets that take a scope: Provider, Model, App, Project and Session patterns.</summary>
public abstract class BudgetScopeCmdlet : BudgetCmdlet
{
    /// <summary>Only usage of these providers counts (wildcards; an empty string clears it).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    [SupportsWildcards]
    [AllowEmptyString]
    public string[]? Provider { get; set; }

    /// <summary>Only usage of these models counts (wildcards; an empty string clears it).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [SupportsWildcards]
    [AllowEmptyString]
    public string[]? Model { get; set; }

    /// <summary>Only usage of these apps counts (wildcards; an empty string clears it).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AppCompleter))]
    [SupportsWildcards]
    [AllowEmptyString]
    public string[]? App { get; set; }

    /// <summary>Only usage of these projects counts (wildcards; an empty string clears it).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProjectCompleter))]
    [SupportsWildcards]
    [AllowEmptyString]
    public string[]? Project { get; set; }

    /// <summary>Only usage of these Tokentap sessions counts (wildcards; an empty string clears it).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SessionCompleter))]
    [SupportsWildcards]
    [AllowEmptyString]
    public string[]? Session { get; set; }
}
