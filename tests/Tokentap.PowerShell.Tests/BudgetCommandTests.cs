// Set-, Get- and Remove-TokentapBudget in the hosted runspace: typed objects, defaults and partial updates, WhatIf,
// wildcards and pipeline input, and stable error ids for a missing budget, invalid settings and a bad budgets.json.
namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class BudgetCommandTests(ModuleFixture module) : IDisposable
{
    private string FilePath => Path.Combine(module.Home, "budgets.json");

    public void Dispose() => File.Delete(FilePath);

    [Fact]
    public void Set_creates_with_defaults_and_changes_only_what_is_given()
    {
        File.Delete(FilePath);
        module.Run("Set-TokentapBudget -Name daily -Amount 10 -App claude-code").ThrowIfFailed();
        var created = module.Run("Get-TokentapBudget -Name daily").Single<TokentapBudget>();

        Assert.Equal(("daily", 10m, "Day", BudgetAction.Warn, "app=claude-code"), (created.Name, created.Amount, created.Period, created.Action, created.Scope));
        Assert.Equal([80, 100], created.Thresholds);
        Assert.Equal(10m - created.Spent, created.Remaining);

        var changed = module.Run("Set-TokentapBudget daily -Period 5h -Action Block -Threshold 90,50 -Model 'claude-*' -App '' -PassThru").Single<TokentapBudget>();

        Assert.Equal(("daily", 10m, "5h", BudgetAction.Block, "model=claude-*"), (changed.Name, changed.Amount, changed.Period, changed.Action, changed.Scope));
        Assert.Equal([50, 90], changed.Thresholds);
        Assert.Null(changed.NextReset);
        Assert.Contains("\"period\": \"5h\"", File.ReadAllText(FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIf_writes_nothing_and_Remove_takes_wildcards_and_pipeline_input()
    {
        File.Delete(FilePath);
        module.Run("Set-TokentapBudget -Name a1 -Amount 1 -WhatIf").ThrowIfFailed();
        Assert.False(File.Exists(FilePath));

        module.Run("Set-TokentapBudget a1 1; Set-TokentapBudget a2 2; Set-TokentapBudget b1 3").ThrowIfFailed();
        module.Run("Remove-TokentapBudget -Name a*").ThrowIfFailed();
        Assert.Equal(["b1"], module.Run("Get-TokentapBudget").Objects<TokentapBudget>().Select(b => b.Name));

        module.Run("Get-TokentapBudget b1 | Remove-TokentapBudget").ThrowIfFailed();
        Assert.Empty(module.Run("Get-TokentapBudget").ThrowIfFailed().Output);
    }

    [Fact]
    public void Failures_have_stable_error_ids()
    {
        File.Delete(FilePath);
        var missing = Assert.Single(module.Run("Get-TokentapBudget -Name nope").Errors);
        Assert.Equal("BudgetNotFound,Tokentap.PowerShell.Commands.GetTokentapBudgetCommand", missing.FullyQualifiedErrorId);
        Assert.Equal("nope", missing.TargetObject);

        var noAmount = Assert.Single(module.Run("Set-TokentapBudget -Name fresh -Period Week").Errors);
        Assert.Equal("InvalidBudgetSettings,Tokentap.PowerShell.Commands.SetTokentapBudgetCommand", noAmount.FullyQualifiedErrorId);
        Assert.Equal("There is no budget 'fresh' yet: give its -Amount to create it. (Parameter 'settings')", noAmount.Exception.Message);

        var badPeriod = Assert.Single(module.Run("Set-TokentapBudget -Name fresh -Amount 1 -Period fortnight").Errors);
        Assert.Equal("InvalidBudgetSettings,Tokentap.PowerShell.Commands.SetTokentapBudgetCommand", badPeriod.FullyQualifiedErrorId);

        File.WriteAllText(FilePath, "{\n  \"budgets\": [\n    { \"name\": \"x\", \"amount\": \"ten\" }\n  ]\n}\n");
        var bad = Assert.Single(module.Run("Get-TokentapBudget").Errors);
        Assert.Equal("BudgetFileInvalid,Tokentap.PowerShell.Commands.GetTokentapBudgetCommand", bad.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, bad.CategoryInfo.Category);
        Assert.Equal($"{FilePath} line 3, position 30: \"amount\" must be a number of US dollars (found a string)", bad.Exception.Message);

        // A bad file is never overwritten.
        Assert.Single(module.Run("Set-TokentapBudget -Name x -Amount 5").Errors);
        Assert.Contains("\"ten\"", File.ReadAllText(FilePath), StringComparison.Ordinal);
    }
}
