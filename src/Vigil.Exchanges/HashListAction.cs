namespace Vigil.Exchanges;

/// <summary>What an entry asks the bank to do with its signals.</summary>
public enum HashListAction
{
    /// <summary>Add (or refresh) the entry's signals.</summary>
    Add,

    /// <summary>
    /// Remove the entry: by its <see cref="HashListEntry.Source"/> and <see cref="HashListEntry.SourceId"/>
    /// when it has them, else by its signals. NCMEC deleted entries and withdrawn StopNCII hashes become removals.
    /// </summary>
    Remove,
}
