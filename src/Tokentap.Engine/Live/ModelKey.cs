// The identity of a per-model row in the live view: provider and model.
namespace Tokentap.Engine.Live;

/// <summary>A provider and model (null when the event did not say which model).</summary>
internal readonly record struct ModelKey(string Provider, string? Model);
