namespace Vigil.Server.Tests.Review;

/// <summary>
/// Tests that point the process's temp directory (<c>TMPDIR</c>, which <see cref="Path.GetTempPath"/> reads on every
/// call) at a fresh directory of their own, so that whatever the in-process server spills there can be searched.
/// The variable is the whole process's: they run alone, after every other test, so no other test writes there meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTempDirectoryCollection
{
    public const string Name = "process temp directory";
}
