// Runs every benchmark in turn. Each prints its own figures beside a baseline measured in the same run.
import { benchHomePage } from './home-page.ts';

await benchHomePage();
