// Runs every benchmark in turn. Each prints its own figures beside a baseline measured in the same run.
import { benchConsortiumSuggestion } from './consortium-suggestion.ts';
import { benchDirectoryPage } from './directory-page.ts';
import { benchDirectorySearch } from './directory-search.ts';
import { benchHomePage } from './home-page.ts';
import { benchLedgerVerify } from './ledger-verify.ts';
import { benchOcdsImport } from './ocds-import.ts';
import { benchOpportunityRanking } from './opportunity-ranking.ts';
import { benchSocialValueTotals } from './social-value-totals.ts';

await benchHomePage();
await benchDirectorySearch();
await benchDirectoryPage();
await benchOcdsImport();
await benchOpportunityRanking();
await benchSocialValueTotals();
await benchLedgerVerify();
await benchConsortiumSuggestion();
