// The shapes of demo traffic Start-Tokentap -Demo can generate.
namespace Tokentap;

/// <summary>Who the demo data pretends to be.</summary>
public enum TokentapDemoPreset
{
    /// <summary>One developer using an agent a few times on most work days.</summary>
    Light,

    /// <summary>One developer running agents all day, several in parallel, with long cached conversations.</summary>
    Heavy,

    /// <summary>A team of five developers and their scripts, each with their own projects and agents.</summary>
    Team,
}
