namespace Vigil.Storage;

/// <summary>Banks: create, read, change and delete them (a bank's content goes with it).</summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IBankStore
{
    /// <summary>Creates a bank.</summary>
    /// <exception cref="InvalidBankNameException">The name breaks the naming rule.</exception>
    /// <exception cref="BankAlreadyExistsException">A bank has that name already.</exception>
    Task<Bank> CreateBankAsync(NewBank bank, CancellationToken cancellationToken = default);

    /// <summary>The bank with this name, or null.</summary>
    Task<Bank?> GetBankAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every bank with its content count, ordered by name.</summary>
    Task<IReadOnlyList<BankSummary>> ListBanksAsync(CancellationToken cancellationToken = default);

    /// <summary>Every bank's settings, ordered by name, without counting content: cheap enough for a replica to poll.</summary>
    Task<IReadOnlyList<Bank>> ListBankSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes a bank's settings and returns the bank as it now is.</summary>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    Task<Bank> UpdateBankAsync(string name, BankUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Deletes a bank and all its content (logging the removal of every signal); false if there was no such bank.</summary>
    Task<bool> DeleteBankAsync(string name, CancellationToken cancellationToken = default);
}
